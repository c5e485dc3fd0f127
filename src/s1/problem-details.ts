/** RFC 9457 problem details, as far as S1 fills them in. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  traceId?: string;
}

/** The most useful one-line message from an error body: `detail`, else `title`, else nothing. */
export function problemMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const p = body as ProblemDetails;
  const text = typeof p.detail === 'string' && p.detail ? p.detail : typeof p.title === 'string' && p.title ? p.title : undefined;
  if (!text) return undefined;
  const trace = typeof p.traceId === 'string' && p.traceId ? ` (traceId ${p.traceId})` : '';
  return (text + trace).slice(0, 500);
}
