// Picks the workbook source from the options, the environment, or the bundled example.

import { UserError } from '../errors.js';
import { BUNDLED_WORKBOOK } from '../paths.js';
import type { WorkbookSource } from '../workbook/raw.js';

export interface SourceOptions {
  workbook?: string;
  sheet?: string;
}

export async function openSource(opts: SourceOptions, env: NodeJS.ProcessEnv = process.env): Promise<WorkbookSource> {
  // NOTE: an empty variable (`DAGSORDEN_SHEET=` in a crontab) counts as unset.
  const sheet = opts.sheet || (opts.workbook ? undefined : env.DAGSORDEN_SHEET?.trim() || undefined);
  const workbook = opts.workbook || env.DAGSORDEN_WORKBOOK?.trim() || undefined;
  if (opts.sheet && opts.workbook) throw new UserError('usage', 'Angiv enten --workbook eller --sheet, ikke begge.');
  if (sheet) {
    const { googleSheetSource } = await import('../google/sheets-read.js');
    return googleSheetSource(sheet, env);
  }
  const { xlsxSource } = await import('../local/xlsx.js');
  return xlsxSource(workbook ?? BUNDLED_WORKBOOK);
}
