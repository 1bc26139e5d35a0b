export { createRunbookRecorder, readRunbook, runbookRow, type RunbookRecorderOptions, type RunbookStatus } from './runbook-file.ts';
export { addLastWorkedRow, lastWorkedRows, type RunbookRow } from './runbook-table.ts';
