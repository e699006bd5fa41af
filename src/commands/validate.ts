// `dagsorden validate`: read, validate, print every problem. Never writes anything.

import { EXIT_CODES } from '../errors.js';
import { formatProblems, formatSummary } from '../report/problems.js';
import { readAndValidate } from '../validate/index.js';
import { openSource, type SourceOptions } from './source.js';

export async function runValidate(opts: SourceOptions, out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  const source = await openSource(opts);
  const { model, problems } = await readAndValidate(source);
  out(`Regneark: ${source.description}`);
  out(formatSummary(model));
  out(formatProblems(problems));
  return problems.length ? EXIT_CODES.problems : EXIT_CODES.ok;
}
