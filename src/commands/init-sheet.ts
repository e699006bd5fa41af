// `dagsorden init-sheet`: creates a new Google Sheet with the tabs, headers, notes, dropdowns,
// checkboxes, formats and protected script-owned columns; optionally filled with the bundled example.

import { existsSync } from 'node:fs';
import { INPUT_TABS } from '../../sheets-schema/schema.js';
import type { Google } from '../google/client.js';
import { EXIT_CODES, UserError } from '../errors.js';
import { BUNDLED_WORKBOOK } from '../package-paths.js';
import type { RawGrid } from '../workbook/raw.js';
import type { InitSheetOptions } from './options.js';

export interface InitSheetIo {
  readonly out: (s: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** A session to use instead of signing in from the environment (tests). */
  readonly google?: Google;
}

const defaultIo: InitSheetIo = { out: (s) => process.stdout.write(s + '\n'), env: process.env };

/** The example's rows as raw grids (dates as serial numbers), read from the bundled .xlsx. */
async function readExample(): Promise<ReadonlyMap<string, RawGrid>> {
  if (!existsSync(BUNDLED_WORKBOOK)) throw new UserError('config', `Eksemplet ${BUNDLED_WORKBOOK} findes ikke. Kør "npm run build" først.`);
  const { xlsxSource } = await import('../local/xlsx.js');
  const raw = await xlsxSource(BUNDLED_WORKBOOK).readWorkbook(INPUT_TABS.map((t) => t.name));
  return raw.grids;
}

export async function runInitSheet(opts: InitSheetOptions, io: InitSheetIo = defaultIo): Promise<number> {
  const example = opts.withExample ? await readExample() : undefined;
  const { openGoogle } = await import('../google/client.js');
  const { createWorkbookSheet } = await import('../google/create-sheet.js');
  const google = io.google ?? (await openGoogle(io.env));
  const created = await createWorkbookSheet(google, opts.title, example);
  io.out(`Oprettede regnearket "${opts.title}"${example ? ' med eksemplets møder, punkter og medlemmer' : ''}:`);
  io.out(`  ${created.url}`);
  io.out('');
  io.out('Brug det ved at sætte miljøvariablen:');
  io.out(`  DAGSORDEN_SHEET=${created.spreadsheetId}`);
  io.out(`eller ved at give --sheet ${created.spreadsheetId} til kommandoerne.`);
  // NOTE: known from the credentials alone (no extra call); only a service account needs the hint.
  const account = google.auth.account;
  if (account?.endsWith('.gserviceaccount.com')) {
    io.out('');
    io.out(`Regnearket ejes af tjenestekontoen ${account}. Del det med sekretariatet (som redaktør), så det kan åbnes i browseren.`);
  }
  return EXIT_CODES.ok;
}
