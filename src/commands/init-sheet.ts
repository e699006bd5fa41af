// `dagsorden init-sheet`. (Not yet implemented.)

import { UserError } from '../errors.js';
import type { InitSheetOptions } from './options.js';

export async function runInitSheet(_opts: InitSheetOptions): Promise<number> {
  throw new UserError('usage', 'Kommandoen "init-sheet" er endnu ikke færdig i denne version.');
}
