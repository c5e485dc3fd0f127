import type { IncomingMessage, ServerResponse } from 'node:http';
import { deliver, problemAnswer } from './api-answer.js';
import type { FaultRule } from './fault-rules.js';
import type { SimState } from './sim-state.js';

/**
 * Carries out a fault that does not depend on the call: a status, a hang or a reset. Returns false for a kind the
 * call must carry out itself (`not-applied`, assign only).
 */
export function answerFault(state: SimState, req: IncomingMessage, res: ServerResponse, fault: FaultRule): boolean {
  switch (fault.kind) {
    case 'hang': {
      // Keep the socket until the client gives up; close() destroys whatever is still hanging.
      const socket = req.socket;
      state.hanging.add(socket);
      socket.once('close', () => state.hanging.delete(socket));
      state.stats.recordAnswer('hang');
      return true;
    }
    case 'reset':
      state.stats.recordAnswer('reset');
      req.socket.destroy();
      return true;
    case 'status': {
      const status = fault.status ?? 500;
      const headers = fault.retryAfter === undefined ? undefined : { 'retry-after': fault.retryAfter };
      deliver(state, req, res, problemAnswer(status, `Injected fault: ${status}.`, headers));
      return true;
    }
    case 'not-applied':
      return false;
  }
}
