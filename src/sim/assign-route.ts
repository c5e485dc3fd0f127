import type { IncomingMessage, ServerResponse } from 'node:http';
import { deliver, jsonAnswer, problemAnswer, quote, type Answer } from './api-answer.js';
import { authorize } from './authorize.js';
import { answerFault } from './fault-answer.js';
import { ACCOUNT_USER_ID, GROUP_ID, UNKNOWN_ACCOUNT_USER, UNKNOWN_GROUP } from './id-patterns.js';
import { rateGate } from './rate-gate.js';
import type { SimState } from './sim-state.js';

/** The request's ids as far as they could be read; `error` says why the request is malformed, if it is. */
interface AssignInput {
  accountUserId?: string;
  groupId?: string;
  error?: string;
}

/**
 * `POST /public/v1/accounts/account-users/{id}/groups`. Order of checks, each with a reason:
 * auth first (a real gateway rejects unauthenticated calls before anything else), then injected faults (they stand
 * for failures in front of or inside the service), then the rate limit (a gateway limits before the service
 * validates, so malformed requests use up quota too), then ids (400), existence (404) and the change itself.
 */
export function handleAssign(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  rawId: string,
  body: string,
  now: number,
): void {
  state.stats.recordPost(now, req.headers['idempotency-key'] !== undefined);
  const input = readInput(rawId, body);
  if (input.accountUserId !== undefined && input.groupId !== undefined) {
    state.stats.recordPair(input.accountUserId, input.groupId);
  }

  const denied = authorize(state, req);
  if (denied) return deliver(state, req, res, denied);

  if (state.faults.size > 0) {
    const fault = state.faults.take({ call: 'assign', accountUserId: input.accountUserId, groupId: input.groupId });
    if (fault) {
      if (!answerFault(state, req, res, fault)) answerNotApplied(state, req, res, input);
      return;
    }
  }

  const gate = rateGate(state, now);
  if (gate.rejected) return deliver(state, req, res, gate.rejected);

  const answer = decide(state, input);
  if (gate.headers) answer.headers = { ...answer.headers, ...gate.headers };
  deliver(state, req, res, answer);
}

function readInput(rawId: string, body: string): AssignInput {
  const input: AssignInput = {};
  try {
    input.accountUserId = decodeURIComponent(rawId);
  } catch {
    input.error = `Path parameter 'id' is not valid percent-encoding: ${quote(rawId)}.`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    input.error ??= 'Request body is not valid JSON.';
    return input;
  }
  const id = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).id : undefined;
  if (typeof id === 'string') input.groupId = id;
  else input.error ??= "Body field 'id' is required and must be a string.";
  return input;
}

function decide(state: SimState, input: AssignInput): Answer {
  if (input.error !== undefined) return problemAnswer(400, input.error);
  const userId = input.accountUserId as string;
  const groupId = input.groupId as string;
  const { strictIds, unknownUsers, unknownGroups, onAlreadyMember } = state.options;
  if (strictIds && !ACCOUNT_USER_ID.test(userId)) {
    return problemAnswer(400, `Path parameter 'id' must match ${ACCOUNT_USER_ID.source}, got ${quote(userId)}.`);
  }
  if (strictIds && !GROUP_ID.test(groupId)) {
    return problemAnswer(400, `Body field 'id' must match ${GROUP_ID.source}, got ${quote(groupId)}.`);
  }
  if (unknownUsers.has(userId) || UNKNOWN_ACCOUNT_USER.test(userId)) {
    return problemAnswer(404, `Account user ${quote(userId)} was not found.`);
  }
  if (unknownGroups.has(groupId) || groupId === UNKNOWN_GROUP) {
    return problemAnswer(404, `User group ${quote(groupId)} was not found.`);
  }
  const added = state.store.add(userId, groupId, new Date().toISOString());
  if (!added && onAlreadyMember !== 200) {
    return problemAnswer(onAlreadyMember, `Account user ${userId} is already a member of group ${groupId}.`);
  }
  return jsonAnswer(200, state.userJson(state.store.user(userId), state.store.groupsOf(userId)));
}

/** A 200 that did not do what was asked: the body is the user as it is, without the requested group. */
function answerNotApplied(state: SimState, req: IncomingMessage, res: ServerResponse, input: AssignInput): void {
  const userId = input.accountUserId ?? '';
  const groups = [...state.store.groupsOf(userId)].filter((g) => g !== input.groupId);
  deliver(state, req, res, jsonAnswer(200, state.userJson(state.store.peek(userId), groups)));
}
