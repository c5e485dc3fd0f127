/** Documented id shapes (s1-api.md); checked after percent-decoding so `%2F` tricks cannot slip through. */
export const ACCOUNT_USER_ID = /^AUSR-\d{4}-\d{4}-\d{4}$/;
export const GROUP_ID = /^UGR-\d{4}-\d{4}$/;

/** Account users the simulator always treats as missing, so tests can provoke 404 without configuring anything. */
export const UNKNOWN_ACCOUNT_USER = /^AUSR-\d{4}-\d{4}-9999$/;
export const UNKNOWN_GROUP = 'UGR-9999-9999';
