import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { InvalidUtf8Error, Utf8Validator, looksLikeUtf16WithoutBom } from '../../src/csv/utf8-validator.js';

/** Runs `chunks` through a validator; resolves to the bytes passed on, or rejects with its error. */
async function validate(chunks: Uint8Array[]): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks.map((chunk) => Buffer.from(chunk))),
    new Utf8Validator(),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        out.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(out);
}

async function failure(chunks: Uint8Array[]): Promise<InvalidUtf8Error> {
  const err: unknown = await validate(chunks).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidUtf8Error);
  return err as InvalidUtf8Error;
}

/** Every way of cutting `bytes` into two chunks. */
function splits(bytes: Buffer): Uint8Array[][] {
  return Array.from({ length: bytes.length + 1 }, (_, at) => [bytes.subarray(0, at), bytes.subarray(at)]);
}

describe('Utf8Validator', () => {
  it('passes valid UTF-8 through unchanged, however the chunks cut the characters', async () => {
    const bytes = Buffer.from('a,b\r\nä€😀,x\n', 'utf8');
    for (const chunks of splits(bytes)) expect(await validate(chunks)).toEqual(bytes);
    expect(await validate([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(bytes);
  });

  it('reports the line and offset of the first invalid byte', async () => {
    const bytes = Buffer.concat([Buffer.from('a\nb\r\nc\rd'), Buffer.from([0xe9]), Buffer.from('\nz\n')]);
    for (const chunks of splits(bytes)) {
      const err = await failure(chunks);
      expect({ line: err.line, offset: err.offset }).toEqual({ line: 4, offset: 8 });
    }
  });

  it('reports where a broken multi-byte sequence starts, even across chunks', async () => {
    // 0xE2 0x82 starts a three-byte character; the newline cannot continue it.
    const bytes = Buffer.concat([Buffer.from('ok\nab'), Buffer.from([0xe2, 0x82]), Buffer.from('\nnext\n')]);
    for (const chunks of splits(bytes)) {
      const err = await failure(chunks);
      expect({ line: err.line, offset: err.offset }).toEqual({ line: 2, offset: 5 });
    }
  });

  it('fails when the file ends inside a character', async () => {
    const bytes = Buffer.concat([Buffer.from('a\nb\n€'), Buffer.from([0xe2, 0x82])]);
    for (const chunks of splits(bytes)) {
      const err = await failure(chunks);
      expect({ line: err.line, offset: err.offset }).toEqual({ line: 3, offset: 7 });
    }
  });

  it('recognises UTF-16 by its byte-order mark', async () => {
    const err = await failure([Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n', 'utf16le')])]);
    expect(err.looksLikeUtf16).toBe(true);
    expect(err.line).toBe(1);
    expect((await failure([Buffer.from([0x61, 0xff])])).looksLikeUtf16).toBe(false);
  });

  it('rejects what the WHATWG decoder rejects: overlong forms and encoded surrogates', async () => {
    expect((await failure([Buffer.from([0x61, 0xc0, 0xaf])])).offset).toBe(1);
    expect((await failure([Buffer.from([0x0a, 0xed, 0xa0, 0x80])])).line).toBe(2);
  });
});

describe('looksLikeUtf16WithoutBom', () => {
  const text = 'accountUserId;groupId\r\nAUSR-1000-0000-0001;UGR-1234-5678\r\n';

  it('recognises UTF-16 in either byte order, and Latin text with a few accents', () => {
    expect(looksLikeUtf16WithoutBom(Buffer.from(text, 'utf16le'))).toBe(true);
    expect(looksLikeUtf16WithoutBom(Buffer.from(text, 'utf16le').swap16())).toBe(true);
    expect(looksLikeUtf16WithoutBom(Buffer.from(`Benutzer,Gruppe\nJürgen,Größe\n${text}`, 'utf16le'))).toBe(true);
  });

  it('leaves UTF-8, a NUL inside a cell, all-zero files and tiny inputs to the other checks', () => {
    expect(looksLikeUtf16WithoutBom(Buffer.from(text))).toBe(false);
    expect(looksLikeUtf16WithoutBom(Buffer.from(`${text}AUSR-1000-\u00000000-0002,UGR-1234-5678\n`))).toBe(false);
    expect(looksLikeUtf16WithoutBom(Buffer.alloc(4096))).toBe(false);
    expect(looksLikeUtf16WithoutBom(Buffer.from('a\u0000', 'latin1'))).toBe(false);
  });
});
