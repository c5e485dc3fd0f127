export { buildReport, type BatchReport } from './build-report.js';
export { writeReport, formatSummary, FAILURES_COLUMNS, type WrittenReport } from './write-report.js';
export { statusJson, batchListEntryJson, importJson } from './status-json.js';
export { writeResults, RESULTS_COLUMNS } from './write-results.js';
