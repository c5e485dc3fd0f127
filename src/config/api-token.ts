import { AppError } from '../errors.js';

/**
 * Longest token accepted, in UTF-8 bytes. Real S1 tokens and JWTs are well under 2 KB; servers and proxies cap a
 * header line at 4-16 KB (nginx 8 KB, Node 16 KB for all headers together) and answer 431 to every request beyond
 * that. 4 KiB accepts any plausible token and still leaves room for the other headers, so a wrong file pasted into
 * the variable stops the program at start instead of failing every row as `http-431`.
 */
export const MAX_TOKEN_BYTES = 4096;

// Control characters (C0, DEL, C1): a header value cannot carry C0 or DEL, so undici fails every request as
// `network` before it leaves the process; a tab or a C1 inside a token is a paste or encoding error, never a
// character of a token.
const CONTROL = /\p{Cc}/u;

/**
 * The token as it will be sent: surrounding whitespace trimmed (a secret mounted from a file or a Kubernetes secret
 * usually ends in a newline), undefined when nothing is left. Throws AppError('config') naming S1_API_TOKEN, with
 * what is wrong but never the token or any part of it.
 */
export function cleanApiToken(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const token = raw.trim();
  if (token === '') return undefined;
  const problem = CONTROL.test(token)
    ? 'it contains a control character (a line break, tab or other non-printing character) inside it'
    : Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES
      ? `it is ${Buffer.byteLength(token, 'utf8')} bytes long, more than the ${MAX_TOKEN_BYTES} an API token can be`
      : undefined;
  if (problem === undefined) return token;
  throw new AppError('config', `invalid S1_API_TOKEN: ${problem}; set it to the API token alone (surrounding whitespace is ignored)`);
}
