export { buildReport, type BatchReport } from './build-report.js';
export { writeReport, FAILURES_COLUMNS, type WrittenReport } from './write-report.js';
export { formatSummary } from './format-summary.js';
export { statusJson, batchListEntryJson, importJson } from './status-json.js';
export { writeResults, RESULTS_COLUMNS } from './write-results.js';
