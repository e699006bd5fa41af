// `dagsorden render`. (Not yet implemented.)

import { UserError } from '../errors.js';
import type { RenderOptions } from './options.js';

export async function runRender(_opts: RenderOptions): Promise<number> {
  throw new UserError('usage', 'Kommandoen "render" er endnu ikke færdig i denne version.');
}
