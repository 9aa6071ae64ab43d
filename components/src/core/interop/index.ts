/** Interoperability: iCalendar and vCard files in and out of an org's stores. */
export { importIcs, parseIcs, type IcsImportOptions, type IcsImportReport, type ParsedIcsFile, type TimeZoneMapping } from './ics-import.ts';
export { exportIcs, DEFAULT_PRODUCT_ID, type IcsExportOptions } from './ics-export.ts';
export { importVcard, parseVcard } from './vcard-import.ts';
export { exportVcard, DEFAULT_VCARD_PRODUCT_ID, type VcardExportOptions, type VcardVersion } from './vcard-export.ts';
export { WINDOWS_TIME_ZONES, type TimeZoneMappingKind } from './ics-time-zones.ts';
export type { ImportInput } from './content-lines.ts';
export type { ImportIssue, ImportIssueCode, ImportReport, ParsedFile, ParsedItem, RecordWriter } from './import-report.ts';
