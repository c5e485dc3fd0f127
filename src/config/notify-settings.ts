import { AppError } from '../errors.js';

/** The webhook settings of a Config, checked together (one needs the other). */
export interface NotifySettings {
  notifyUrl: string | undefined;
  notifySecret: string | undefined;
}

/**
 * Validates NOTIFY_URL and NOTIFY_SECRET. Checked here rather than in the zod schema because a failed schema check
 * echoes the value, and both values are secrets (a Slack or Teams webhook URL is its own credential).
 */
export function parseNotifySettings(url: string | undefined, secret: string | undefined): NotifySettings {
  if (url === undefined) return { notifyUrl: undefined, notifySecret: secret };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('config', 'invalid NOTIFY_URL: not a URL (expected https://host/path or http://host/path)');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new AppError('config', `invalid NOTIFY_URL: must start with http:// or https:// (got ${parsed.protocol}//)`);
  }
  if (parsed.username || parsed.password) {
    throw new AppError('config', 'invalid NOTIFY_URL: credentials in the URL are not supported; the receiver checks X-Bulk-Assign-Signature instead');
  }
  if (secret === undefined) {
    throw new AppError('config', 'NOTIFY_SECRET is not set: NOTIFY_URL needs it to sign each notification (any long random string the receiver also knows)');
  }
  return { notifyUrl: url, notifySecret: secret };
}
