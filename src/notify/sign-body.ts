import { createHmac } from 'node:crypto';

/** The header that carries the body's signature (lower case, as Node hands headers to receivers). */
export const SIGNATURE_HEADER = 'x-bulk-assign-signature';

/** `sha256=<hex HMAC-SHA256 of the exact bytes sent, keyed with NOTIFY_SECRET>`, GitHub's webhook convention. */
export function signBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
