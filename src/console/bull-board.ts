import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

/**
 * Bull Board at /queues, behind the console's login (the app-wide auth hook runs before its routes). Read-only:
 * removing or cleaning a row's job from there would leave the row pending for ever, and retrying one bypasses the
 * batch's accounting of retries; `bulk-assign retry` (or the batch page) is the way to run rows again.
 */
export async function registerBullBoard(app: FastifyInstance, queues: Queue[]): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath('/queues');
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    // @bull-board/fastify 9.10.1 carries its own copy of @bull-board/api (ours is 9.10.2): same shape, but the
    // private fields make TypeScript see two types.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'bulk-assign queues' } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: '/queues' });
}
