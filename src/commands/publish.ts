// `dagsorden publish`. (Not yet implemented.)

import { UserError } from '../errors.js';
import type { PublishOptions } from './options.js';

export async function runPublish(_opts: PublishOptions): Promise<number> {
  throw new UserError('usage', 'Kommandoen "publish" er endnu ikke færdig i denne version.');
}
