import { describe, expect, it } from 'vitest';
import { defuseCell, undefuseCell } from '../../src/csv/index.js';

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];

describe('defuseCell', () => {
  it.each(TRIGGERS)('prefixes a quote to a cell starting with %j', (trigger) => {
    expect(defuseCell(`${trigger}cmd`)).toBe(`'${trigger}cmd`);
  });

  it('leaves other cells alone', () => {
    for (const value of ['', 'AUSR-1234-5678-9012', 'a=b', ' =x', "'", "'plain", 'x\n=y', '\n=x']) {
      expect(defuseCell(value)).toBe(value);
    }
  });

  it('also prefixes a cell that already looks defused, so the reader cannot mistake it', () => {
    expect(defuseCell("'=x")).toBe("''=x");
    expect(defuseCell("''-x")).toBe("'''-x");
  });
});

describe('undefuseCell', () => {
  it.each(TRIGGERS)('drops the quote in front of %j', (trigger) => {
    expect(undefuseCell(`'${trigger}cmd`)).toBe(`${trigger}cmd`);
  });

  it('keeps a quote in front of anything else', () => {
    for (const value of ["'plain", "'", "' =x", "'\n=x", '=x']) expect(undefuseCell(value)).toBe(value);
  });

  it('undoes defuseCell for every string built from the tricky characters', () => {
    // Every string of length 0..4 over an alphabet holding the quote, each trigger, whitespace and a letter.
    const alphabet = ["'", ...TRIGGERS, ' ', '\n', 'a', '"'];
    const failures: string[] = [];
    let checked = 0;
    const visit = (value: string, depth: number): void => {
      const defused = defuseCell(value);
      // Round trip; at most one quote added; a defused cell never starts with a trigger.
      const ok = undefuseCell(defused) === value && defused.length - value.length <= 1 && !/^[=+\-@\t\r]/.test(defused);
      if (!ok) failures.push(JSON.stringify(value));
      checked++;
      if (depth > 0) for (const ch of alphabet) visit(value + ch, depth - 1);
    };
    visit('', 4);
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(10_000);
  });
});
