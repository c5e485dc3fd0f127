import { AppError } from '../errors.js';

// Node's own messages repeat the path and the syscall; these say the same thing once, in words.
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EMFILE: 'too many open files',
};

/** AppError('io', 'cannot read <path>: <reason>') for a file that cannot be opened or read. */
export function fileReadError(path: string, err: unknown): AppError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code !== undefined ? REASONS[code] : undefined) ?? (err instanceof Error ? err.message : String(err));
  return new AppError('io', `cannot read ${path}: ${reason}`, { cause: err });
}

/** True for errors raised by the operating system (they carry an errno code like ENOENT or EIO). */
export function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}
