export {
  DEFAULT_BATCH_SIZE,
  formatFromFileName,
  importLedgerFile,
  LedgerFileError,
  type ImportLedgerFileOptions,
  type ImportProgress,
  type ImportSummary,
  type LedgerFileFormat,
  type RejectedRow,
} from './import-file';
export { KINDS, LEDGER_KINDS, type LedgerKind } from './kinds';
