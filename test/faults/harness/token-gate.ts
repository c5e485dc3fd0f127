import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';

/**
 * An HTTP hop in front of the simulator that plays the S1 side of token management, which the simulator (one fixed
 * token) cannot: a token the gate accepts is forwarded as the simulator's own, any other as a token the simulator
 * rejects (401). Revoking a token mid-batch and rotating to a new one are then real 401s from the simulator's own
 * auth check, over real sockets.
 */
export interface TokenGate {
  /** Base URL to give workers as S1_API_URL. */
  readonly url: string;
  accept(token: string): void;
  revoke(token: string): void;
  close(): Promise<void>;
}

export async function startTokenGate(simUrl: string, simToken: string, accepted: string[]): Promise<TokenGate> {
  const tokens = new Set(accepted);
  const target = new URL(simUrl);
  const server: Server = createServer((req, res) => {
    const given = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    const headers = { ...req.headers, authorization: `Bearer ${given !== undefined && tokens.has(given) ? simToken : 'revoked'}` };
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    // The simulator's resets and hangs must reach the worker as what they are.
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accept: (t) => tokens.add(t),
    revoke: (t) => tokens.delete(t),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
