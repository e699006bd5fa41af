// The Google stand-in for tests: start it, point DAGSORDEN_GOOGLE_ROOT_URL at `url`, and drive the
// real client libraries against it. See README.md in this folder for the API.

export { startStandin, startStandin as start, CallLog, DEFAULT_ACCOUNT, type CallRecord, type Fault, type FaultStatus, type Standin, type StandinOptions, type StandinState } from './server.js';
export { sentMessages, type GmailDraft, type GmailMessage, type GmailState } from './gmail.js';
export { accountCanRead, effectivePermissions, replaceContent, seedFile, webViewLink, FOLDER_MIME, type DriveFile, type DrivePermission, type DriveState } from './drive.js';
export { addTabs, cellOf, loadGrid, loadWorkbook, loadXlsx, sheetOf, spreadsheetOf, valuesOf, type GridInput, type LoadOptions } from './load.js';
export { deleteRows, insertRows, setChipRuns } from './sheets-model.js';
export type { CellValue, ChipRun, DataValidationRule, ProtectedRange, SheetCell, SheetData, Spreadsheet } from './sheets-model.js';
export type { OAuthState } from './oauth.js';
export { createBucket, writesPerObject, type StorageState, type StoredObject } from './storage.js';
