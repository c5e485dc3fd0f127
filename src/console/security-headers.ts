/** Our pages: scripts, styles and data only from this origin; no inline script, no framing, forms post here. */
export const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Bull Board's prebuilt UI: its own scripts and styles from /queues/static, inline style attributes in its markup,
 * and a <base href>. Still nothing from another origin (its Google font link is refused and it falls back).
 */
export const QUEUES_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";

/** Headers every answer carries (the event stream writes them itself, as it bypasses Fastify's hooks). */
export function securityHeaders(path: string): Record<string, string> {
  return {
    'content-security-policy': path.startsWith('/queues') ? QUEUES_CSP : PAGE_CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // Not no-referrer: with it, browsers send `Origin: null` on form posts, which the CSRF check must refuse.
    'referrer-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}
