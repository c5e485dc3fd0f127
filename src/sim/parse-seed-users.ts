import { AppError } from '../errors.js';
import type { SeedUser } from './membership-store.js';

/** Checks seed data from code or from `POST /_sim/seed`; messages name the entry and field. */
export function parseSeedUsers(value: unknown): SeedUser[] {
  if (!Array.isArray(value)) throw seedError('seed data must be an array of users');
  return value.map((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null) throw seedError(`users[${i}] must be an object`);
    const u = entry as Record<string, unknown>;
    if (typeof u.id !== 'string' || u.id === '') throw seedError(`users[${i}].id must be a non-empty string`);
    const user: SeedUser = { id: u.id };
    if (u.email !== undefined) {
      if (typeof u.email !== 'string') throw seedError(`users[${i}].email must be a string`);
      user.email = u.email;
    }
    if (u.name !== undefined) {
      if (typeof u.name !== 'string') throw seedError(`users[${i}].name must be a string`);
      user.name = u.name;
    }
    if (u.groups !== undefined) {
      if (!Array.isArray(u.groups) || !u.groups.every((g): g is string => typeof g === 'string')) {
        throw seedError(`users[${i}].groups must be an array of strings`);
      }
      user.groups = u.groups;
    }
    return user;
  });
}

function seedError(message: string): AppError {
  return new AppError('config', `simulator seed: ${message}`);
}
