// `dagsorden auth`. (Not yet implemented.)

import { UserError } from '../errors.js';
import type { AuthOptions } from './options.js';

export async function runAuth(_opts: AuthOptions): Promise<number> {
  throw new UserError('usage', 'Kommandoen "auth" er endnu ikke færdig i denne version.');
}
