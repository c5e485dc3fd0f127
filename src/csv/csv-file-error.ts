import { AppError } from '../errors.js';

/**
 * A fatal error about an assignments file, worded `assignments.csv line 7: <problem>` so the person running the
 * tool knows which file and where to look. Newlines in `problem` are flattened: messages stay one line.
 */
export function csvFileError(
  code: 'csv-header' | 'csv-structure',
  fileLabel: string,
  line: number | undefined,
  problem: string,
  cause?: unknown,
): AppError {
  const where = line === undefined ? fileLabel : `${fileLabel} line ${line}`;
  return new AppError(code, `${where}: ${problem.replace(/\s*[\r\n]+\s*/g, ' ')}`, { cause });
}
