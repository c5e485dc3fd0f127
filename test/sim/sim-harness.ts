import { Agent, request } from 'undici';
import { startSimulator, type SimOptions, type Simulator } from '../../src/sim/index.js';

export const TOKEN = 'test-token-123';

/** One answer, read to the end so the keep-alive socket goes back to the pool. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
}

export interface CallOptions {
  token?: string | null;
  headers?: Record<string, string>;
  /** undici headersTimeout in ms (how long to wait for the answer to start). */
  timeoutMs?: number;
}

/** A simulator and a private undici Agent for it; close() releases both, so no test leaks sockets. */
export interface Harness {
  sim: Simulator;
  agent: Agent;
  /** POST the assign call; `userId` goes into the path as given (no encoding added). */
  assign(userId: string, body: unknown, options?: CallOptions): Promise<Reply>;
  call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, options?: CallOptions): Promise<Reply>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<SimOptions> = {}): Promise<Harness> {
  const sim = await startSimulator({ token: TOKEN, ...options });
  const agent = new Agent({ connections: 64 });
  const call: Harness['call'] = async (method, path, body, callOptions = {}) => {
    const headers: Record<string, string> = { ...callOptions.headers };
    const token = callOptions.token === undefined ? TOKEN : callOptions.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await request(`${sim.url}${path}`, {
      dispatcher: agent,
      method,
      headers,
      body: payload,
      headersTimeout: callOptions.timeoutMs,
    });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  };
  return {
    sim,
    agent,
    call,
    assign: (userId, body, callOptions) =>
      call('POST', `/public/v1/accounts/account-users/${userId}/groups`, body, callOptions),
    close: async () => {
      await agent.close();
      await sim.close();
    },
  };
}

/** The `id`s of the `groups` array in an account user body. */
export function groupIds(json: unknown): string[] {
  const groups = (json as { groups?: Array<{ id: string }> }).groups ?? [];
  return groups.map((g) => g.id);
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  traceId: string;
}

export function problem(json: unknown): Problem {
  return json as Problem;
}
