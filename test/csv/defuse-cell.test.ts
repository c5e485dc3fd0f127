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

describe('control characters in failures.csv (issue 15.6)', () => {
  it('writes NUL, other C0 controls and DEL as control pictures, and keeps tab, LF and CR', () => {
    expect(defuseCell('AUSR-1000-0000-00\u000001')).toBe('AUSR-1000-0000-00\u240001');
    expect(defuseCell('a\u0001b\u001bc\u007f')).toBe('a\u2401b\u241bc\u2421');
    expect(defuseCell('two\nlines\r\tend')).toBe('two\nlines\r\tend');
    expect(defuseCell('\u0000=x')).toBe('\u2400=x');
    expect(defuseCell('=\u0000')).toBe("'=\u2400");
  });

  it('never leaves a C0 control other than tab, LF and CR, nor DEL, in a cell', () => {
    for (let code = 0; code < 0x80; code++) {
      const cell = defuseCell(`x${String.fromCharCode(code)}y`);
      const raw = [...cell].filter((ch) => (ch < ' ' && !'\t\n\r'.includes(ch)) || ch === '\u007f');
      expect(raw, `U+${code.toString(16)}`).toEqual([]);
    }
  });

  it('reads the pictures back as the characters, so a re-imported id is the id that was refused', () => {
    for (let code = 0; code < 0x80; code++) {
      const value = `'=a${String.fromCharCode(code)}b`;
      expect(undefuseCell(defuseCell(value))).toBe(value);
    }
  });
});
