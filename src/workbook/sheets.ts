// Reads the workbook from a Google Sheet. (Implemented with the Google issue.)

import { UserError } from '../errors.js';
import type { WorkbookSource } from './raw.js';

export function googleSheetSource(_id: string, _env: NodeJS.ProcessEnv): WorkbookSource {
  throw new UserError('config', 'Google Sheets understøttes endnu ikke i denne version. Brug --workbook med en .xlsx-fil.');
}
