import { AppError } from '../errors.js';

/**
 * A schedule's name is the BullMQ job scheduler id, part of Redis keys and the stem of every batch id it makes
 * (`<name>-<UTC timestamp>`, 17 characters longer), so it follows the batch id rules with room for the stamp.
 */
export const SCHEDULE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Returns the name, or throws AppError('config') saying what a name may contain. */
export function validateScheduleName(name: string): string {
  if (!SCHEDULE_NAME_PATTERN.test(name) || name.includes('..')) {
    throw new AppError('config', `invalid schedule name "${name}": use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit (it becomes part of batch ids)`);
  }
  return name;
}
