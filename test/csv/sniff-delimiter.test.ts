import { describe, expect, it } from 'vitest';
import { sniffDelimiter } from '../../src/csv/sniff-delimiter.js';

const sniff = (text: string): string => sniffDelimiter(Buffer.from(text));

describe('sniffDelimiter', () => {
  it('picks the most frequent candidate on the header line', () => {
    expect(sniff('accountUserId,groupId\n')).toBe(',');
    expect(sniff('accountUserId;groupId;note\n')).toBe(';');
    expect(sniff('accountUserId\tgroupId\n')).toBe('\t');
    expect(sniff('a;b;c,d\n')).toBe(';');
  });

  it('looks at the header line only, not at data full of commas', () => {
    expect(sniff('accountUserId;groupId\nAUSR-1;UGR-1;"a,b,c,d,e"\n')).toBe(';');
  });

  it('ignores delimiters inside quotes, including quoted line breaks and doubled quotes', () => {
    expect(sniff('"a,b,c";"d ""x,y,z"" e"\n')).toBe(';');
    expect(sniff('"a\n,,,,";b;c\n1,2,3,4,5,6\n')).toBe(';');
  });

  it('skips a BOM and blank lines, including lines of nothing but delimiters', () => {
    expect(sniff('\uFEFF\n   \r\n,,,,,\r\naccountUserId;groupId\r\n')).toBe(';');
    expect(sniff('\t\t\t\naccountUserId,groupId\n')).toBe(',');
  });

  it('falls back to delimiter-only lines when no line has text, so `;;` rows still read as empty', () => {
    expect(sniff('\n;;\r\n;;\n')).toBe(';');
  });

  it('defaults to a comma when nothing is found, and breaks ties towards the comma', () => {
    expect(sniff('')).toBe(',');
    expect(sniff('accountUserId\n')).toBe(',');
    expect(sniff('a;b,c\n')).toBe(',');
    expect(sniff('a\tb;c\n')).toBe(';');
  });

  it('works on a header without a line break, and on a head cut inside a character', () => {
    expect(sniff('a;b')).toBe(';');
    expect(sniffDelimiter(Buffer.concat([Buffer.from('a;b;é'), Buffer.from([0xe2, 0x82])]))).toBe(';');
  });
});
