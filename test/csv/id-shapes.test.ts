import { describe, expect, it } from 'vitest';
import { isValidAccountUserId, isValidGroupId } from '../../src/csv/index.js';

describe('strict ids', () => {
  it('accept the documented shapes', () => {
    expect(isValidAccountUserId('AUSR-5709-0422-8243', false)).toBe(true);
    expect(isValidGroupId('UGR-1234-5678', false)).toBe(true);
  });

  it.each([
    '',
    'ausr-5709-0422-8243',
    'AUSR-5709-0422-824',
    'AUSR-5709-0422-82431',
    'AUSR-5709-0422-8243\n',
    ' AUSR-5709-0422-8243',
    'AUSR-٥٧٠٩-0422-8243',
    'UGR-1234-5678',
    'AUSR-5709-0422-8243/../x',
  ])('reject account user id %j', (id) => {
    expect(isValidAccountUserId(id, false)).toBe(false);
  });

  it.each(['', 'ugr-1234-5678', 'UGR-1234-567', 'UGR-1234-5678\n', 'UGR-12345-678', 'AUSR-5709-0422-8243'])(
    'reject group id %j',
    (id) => {
      expect(isValidGroupId(id, false)).toBe(false);
    },
  );
});

describe('loose ids', () => {
  it.each(['user-42', 'x', '...', 'émile', 'Группа', '😀'.repeat(64), 'a'.repeat(64), 'AUSR-5709-0422-8243', '=x'])(
    'accept %j',
    (id) => {
      expect(isValidAccountUserId(id, true)).toBe(true);
      expect(isValidGroupId(id, true)).toBe(true);
    },
  );

  it.each([
    '',
    '.',
    '..',
    'a'.repeat(65),
    '../../admin',
    'AUSR-1/../x',
    'a/b',
    'a?b',
    'a#b',
    'a%2e',
    'a\\b',
    'a b',
    'a\tb',
    'a\u00a0b',
    'a\u0000b',
    'a\u007fb',
    'a\u0085b',
    'trailing\n',
  ])('reject %j', (id) => {
    expect(isValidAccountUserId(id, true)).toBe(false);
    expect(isValidGroupId(id, true)).toBe(false);
  });
});
