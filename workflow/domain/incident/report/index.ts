export { buildIncidentReport, type ReportInput } from './build';
export { ReportConflictError, ReportNotFinalError } from './errors';
export { custodyOf, EvidenceCustodySchema, type LedgerEvidence, UNRECORDED_REASON } from './evidence';
export { incidentReportJsonSchema, incidentReportJsonSchemaText } from './json-schema';
export { loadReportInput } from './load';
export { renderReportJson, reportSha256 } from './render-json';
export { renderReportMarkdown } from './render-markdown';
export * from './schema';
export {
  recordReportWritten,
  reportPrefix,
  reportStem,
  type StoredReport,
  type StoreReportInput,
  storeIncidentReport,
} from './store';
export { METRICS_AUDIT_ACTION, REPORT_AUDIT_ACTION, REPORT_FAILED_AUDIT_ACTION } from './timeline';
export { buildFinalReport, storeBuiltReport, type WriteReportDeps, writeIncidentReport } from './write';
