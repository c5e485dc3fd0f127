import { Agent, request } from 'undici';
import type { NotifyEvent } from './notify-event.js';
import { SIGNATURE_HEADER, signBody } from './sign-body.js';
import { classifyWebhookStatus, type WebhookVerdict } from './webhook-rules.js';

export interface WebhookSenderOptions {
  /** Where events are POSTed (NOTIFY_URL). */
  url: string;
  /** HMAC key of the signature header (NOTIFY_SECRET). */
  secret: string;
  /** Deadline of one POST, from start to the whole answer, in ms. @defaultValue 10000 */
  timeoutMs?: number;
}

/** The result of one POST; never thrown, so the caller decides on a retry from data. */
export interface WebhookResult {
  verdict: WebhookVerdict;
  /** The answer's status; absent when there was none (`reason` says why). */
  status?: number;
  /** One line for logs: `http-503`, `timeout`, `network (ECONNREFUSED)`. Never holds the URL's path or the secret. */
  reason: string;
}

export interface WebhookSender {
  /** Where logs may say events go: the URL's origin only, since a webhook URL's path is often its credential. */
  readonly target: string;
  /** Deadline of one POST, in ms. */
  readonly timeoutMs: number;
  /** POSTs the event once (no retries here: BullMQ owns them). `signal` aborts it (forced shutdown). */
  send(event: NotifyEvent, signal?: AbortSignal): Promise<WebhookResult>;
  /** Closes the sender's connections. Safe to call twice. */
  close(): Promise<void>;
}

/** A sender of signed JSON POSTs to one webhook, over its own keep-alive connections. */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const target = new URL(options.url).origin;
  const agent = new Agent({ connections: 4, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: Math.min(timeoutMs, 10_000) });
  let closed: Promise<void> | undefined;

  async function send(event: NotifyEvent, signal?: AbortSignal): Promise<WebhookResult> {
    // The exact bytes that are signed are the bytes that are sent.
    const body = Buffer.from(JSON.stringify(event));
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      const res = await request(options.url, {
        method: 'POST',
        dispatcher: agent,
        signal: signal ? AbortSignal.any([deadline, signal]) : deadline,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'bulk-assign',
          [SIGNATURE_HEADER]: signBody(body, options.secret),
          'x-bulk-assign-event': event.event,
          'x-bulk-assign-delivery': event.id,
        },
        body,
      });
      // Read to the end so the connection goes back to the pool; what the receiver says is not used.
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      return { verdict: classifyWebhookStatus(res.statusCode), status: res.statusCode, reason: `http-${res.statusCode}` };
    } catch (err) {
      return { verdict: 'retry', reason: transportReason(err, deadline) };
    }
  }

  return {
    target,
    timeoutMs,
    send,
    close() {
      closed ??= agent.close().catch(() => undefined);
      return closed;
    },
  };
}

const TIMEOUT_CODES = ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'];

/** `timeout`, `aborted` or `network (<code>)`: an error code, never the error's message (which may quote the URL). */
function transportReason(err: unknown, deadline: AbortSignal): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (deadline.aborted || (typeof code === 'string' && TIMEOUT_CODES.includes(code))) return 'timeout';
  if ((err as { name?: unknown } | null)?.name === 'AbortError') return 'aborted';
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  const shown = typeof code === 'string' ? code : typeof cause === 'string' ? cause : (err as { name?: unknown } | null)?.name;
  return `network (${typeof shown === 'string' ? shown : 'unknown'})`;
}
