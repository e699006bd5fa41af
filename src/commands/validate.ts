// `dagsorden validate`: read, validate, print every problem. Never writes anything.

import { EXIT_CODES } from '../errors.js';
import { formatProblems, formatSummary } from '../report/problems.js';
import { wire, type SourceOptions } from './wiring.js';

export async function runValidate(opts: SourceOptions, out: (s: string) => void = (s) => process.stdout.write(s + '\n'), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { source, model, problems } = await wire(opts, env);
  out(`Regneark: ${source.description}`);
  out(formatSummary(model));
  out(formatProblems(problems));
  return problems.length ? EXIT_CODES.problems : EXIT_CODES.ok;
}
