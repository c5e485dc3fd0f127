/** Every data row ends in exactly one of these. `already-member` is a success found before writing. */
export type Outcome = 'assigned' | 'already-member' | 'failed' | 'invalid' | 'duplicate';

/** One byte per row in the outcomes string (0 = pending). */
export const OUTCOME_CODE: Readonly<Record<Outcome, string>> = {
  assigned: 'a',
  'already-member': 'm',
  failed: 'f',
  invalid: 'i',
  duplicate: 'd',
};

/** What is kept of a row that did not succeed: the columns of failures.csv. */
export interface FailureDetail {
  line: number;
  accountUserId: string;
  groupId: string;
  outcome: Outcome;
  reason: string;
  httpStatus?: number | undefined;
  attempts?: number | undefined;
  message?: string | undefined;
}
