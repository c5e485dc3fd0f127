import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the receiver answers one request: a status, or `hang` (read the body, never answer). */
export type ReceiverAnswer = number | 'hang';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The raw bytes, as a signature check must see them. */
  body: Buffer;
}

export interface WebhookReceiver {
  url: string;
  /** Every request so far, in arrival order (hanging ones included). */
  readonly requests: ReceivedRequest[];
  /** Requests answered with a 2xx. */
  delivered(): ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server standing in for a Slack/Teams/custom webhook. `answers` are used in order, one per request;
 * after them every request gets 200.
 */
export async function startWebhookReceiver(answers: ReceiverAnswer[] = []): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const okIndexes: number[] = [];
  const hanging = new Set<ServerResponse>();
  const script = [...answers];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const index = requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) }) - 1;
      const answer = script.shift() ?? 200;
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      if (answer >= 200 && answer < 300) okIndexes.push(index);
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'no');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    // A path like a Slack webhook's, which is that webhook's credential: logs must not show it.
    url: `http://127.0.0.1:${port}/services/T000/B000/hook-path-credential`,
    requests,
    delivered: () => okIndexes.map((i) => requests[i]!),
    close() {
      closed ??= (async () => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close();
        await once(server, 'close');
      })();
      return closed;
    },
  };
}
