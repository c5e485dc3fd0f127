export { buildReport, type BatchReport } from './build-report.js';
export { writeReport, FAILURES_COLUMNS, type WrittenReport } from './write-report.js';
export { formatSummary } from './format-summary.js';
