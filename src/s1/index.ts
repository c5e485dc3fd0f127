export { createS1Client, S1TransportError, type S1Client, type S1ClientOptions, type S1RequestOptions, type WireObserver, type S1Answer, type TransportFailure } from './s1-client.js';
export { classifyStatus, STATUS_CLASS, TRANSPORT_CLASS, type AnswerClass } from './retry-rules.js';
export { problemMessage, type ProblemDetails } from './problem-details.js';
export { parseRetryAfter } from './retry-after.js';
export { isSafeId } from './safe-id.js';
export { groupsContain } from './account-user.js';
export { announcedLimit } from './rate-limit-headers.js';
