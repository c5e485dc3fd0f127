export { isSafeId } from '../safe-id.js';
