// `npm run bench`: prints the speed figures the issues ask for. Figures, not assertions.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/package-paths.js';
import { TABS_TO_READ, validateWorkbook } from '../src/validate/index.js';
import { xlsxSource } from '../src/local/xlsx.js';
import { writeYearWorkbook } from './year.js';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function timeProcess(cmd: string, args: readonly string[], runs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: 'ignore', cwd: PACKAGE_ROOT });
    const dt = performance.now() - t0;
    if (r.error) throw r.error;
    if (i > 0) times.push(dt); // the first run warms the file cache
  }
  return times;
}

export const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
export const line = (what: string, value: string, goal: string): string => `${what.padEnd(62)} ${value.padStart(12)}   (goal ${goal})`;

async function benchFoundation(): Promise<string[]> {
  const cli = join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');
  const help = median(timeProcess(process.execPath, [cli, '--help'], 15));
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-bench-'));
  const year = join(dir, 'year.xlsx');
  await writeYearWorkbook(year);
  const raw = await xlsxSource(year).readWorkbook(TABS_TO_READ);
  const inProcess: number[] = [];
  let problems = -1;
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    const v = validateWorkbook(raw);
    inProcess.push(performance.now() - t0);
    problems = v.problems.length;
    if (i === 0) inProcess.length = 0; // warm-up
  }
  // The same, also forcing every rich-text tree (the document builder does this for one meeting only).
  const withTrees: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const v = validateWorkbook(raw);
    for (const m of v.model.meetings) for (const it of m.items) for (const r of [it.occasion, it.presentation, it.supplement, it.history, it.decision]) void r?.tree;
    withTrees.push(performance.now() - t0);
  }
  const viaCli = median(timeProcess(process.execPath, [cli, 'validate', '--workbook', year], 7));
  return [
    line('dagsorden --help, cold start (median of 15)', fmt(help), '≤ 150 ms'),
    line(`validate a year, 25 meetings × 12 items, in-process (${problems} problems)`, fmt(median(inProcess)), '≤ 50 ms'),
    line('  the same, also parsing every Markdown tree (for comparison)', fmt(median(withTrees.slice(1))), '-'),
    line('dagsorden validate --workbook year.xlsx, whole process', fmt(viaCli), '≤ 1000 ms'),
  ];
}

async function optional(file: string, name: string): Promise<string[]> {
  const path = join(PACKAGE_ROOT, 'dist', 'bench', `${file}.js`);
  if (!existsSync(path)) return [];
  const mod = (await import(path)) as Record<string, () => Promise<string[]>>;
  return mod[name] ? mod[name]() : [];
}

const sections: [string, () => Promise<string[]>][] = [
  ['Foundation', benchFoundation],
  ['Documents', () => optional('documents', 'benchDocuments')],
  ['Google calls per scenario', () => optional('google-calls', 'benchGoogleCalls')],
  ['Public site', () => optional('site', 'benchSite')],
  ['Google calls for previews', () => optional('preview-calls', 'benchPreviewCalls')],
  ['Bounded validation', () => optional('validate-deep', 'benchValidateDeep')],
  ['Many members', () => optional('members', 'benchMembers')],
  ['Bilag', () => optional('bilag', 'benchBilag')],
  ['Subscribers', () => optional('subscribers', 'benchSubscribers')],
  ['Many members through Gmail, with its daily limit', () => optional('members-gmail', 'benchMembersGmail')],
  ['Test suite', () => optional('test-suite', 'benchTestSuite')],
];

// NOTE: `npm run bench -- site documents` runs only the sections whose title holds one of the words.
const only = process.argv.slice(2).map((w) => w.toLowerCase());

for (const [title, run] of sections) {
  if (only.length > 0 && !only.some((w) => title.toLowerCase().includes(w))) continue;
  const lines = await run();
  if (lines.length === 0) continue;
  console.log(`\n${title}`);
  for (const l of lines) console.log('  ' + l);
}
