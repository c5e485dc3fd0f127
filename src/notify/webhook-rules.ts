/**
 * Which webhook answers are worth another try, as data. 2xx is delivered. A 4xx other than these says the request
 * itself is refused (Slack: 404 no_service, 410 channel_is_archived, 400 invalid_payload) and will be refused
 * again for the next hour, so it is given up at once and logged; 5xx and every transport failure (refused, DNS,
 * TLS, timeout, reset) are retried.
 */
export const WEBHOOK_RULES = {
  retryStatuses: [408, 425, 429] as readonly number[],
  retryFromStatus: 500,
};

export type WebhookVerdict = 'delivered' | 'retry' | 'give-up';

export function classifyWebhookStatus(status: number): WebhookVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status >= WEBHOOK_RULES.retryFromStatus || WEBHOOK_RULES.retryStatuses.includes(status)) return 'retry';
  return 'give-up';
}
