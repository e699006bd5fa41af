// Reading and validating in one step: the door every command goes through.

import { INPUT_TABS, LOG_TAB, PROBLEMS_TAB, SUBSCRIBERS_TAB } from '../../sheets-schema/schema.js';
import type { Validated } from '../model.js';
import type { RawWorkbook, WorkbookSource } from '../workbook/raw.js';
import { validateWorkbook } from './validate.js';

export { validateWorkbook } from './validate.js';

// NOTE: the script's own tabs are read too: the log decides what is due, and Validering is compared
// with the new problems so an unchanged list costs no write. Abonnenter (Google mode) is read in the
// same call, so the job learns the subscribers without one more.
export const TABS_TO_READ = [...INPUT_TABS.map((t) => t.name), LOG_TAB.name, PROBLEMS_TAB.name, SUBSCRIBERS_TAB.name];

export async function readAndValidate(source: WorkbookSource): Promise<Validated & { raw: RawWorkbook }> {
  const raw = await source.readWorkbook(TABS_TO_READ);
  return { ...validateWorkbook(raw), raw };
}
