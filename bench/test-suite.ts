// The time of `npm test` (build, lint and every test), against issue 22's goal. It takes minutes and
// runs the whole suite, so it runs only when asked: BENCH_TEST_SUITE=1 npm run bench.

import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { PACKAGE_ROOT } from '../src/package-paths.js';

const line = (what: string, value: string, goal: string): string => `${what.padEnd(62)} ${value.padStart(12)}   (goal ${goal})`;

export async function benchTestSuite(): Promise<string[]> {
  if (process.env.BENCH_TEST_SUITE !== '1') return [line('npm test, whole (BENCH_TEST_SUITE=1 to measure; takes minutes)', 'not run', '≤ 60 s')];
  const t0 = performance.now();
  const r = spawnSync('npm', ['test', '--silent'], { cwd: PACKAGE_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  const seconds = (performance.now() - t0) / 1000;
  const tests = /Tests\s+(?:\S+\s+)*?(\d+) passed/.exec(r.stdout)?.[1] ?? '?';
  return [
    line(`npm test, whole (${tests} tests passed, exit ${r.status})`, `${seconds.toFixed(1)} s`, '≤ 60 s'),
    line('  load average while measuring (1 min)', loadavg()[0]!.toFixed(1), '-'),
  ];
}
