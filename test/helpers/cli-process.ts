// The built command line in a real process, for the tests that run several side by side or kill them:
// its exit, its output, and the JSON events it prints (one per line when not on a terminal).

import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/package-paths.js';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `dagsorden <args>` from dist/, with `env` as its whole environment; resolves when it exits. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Exit> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'cli.js'), ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** The JSON events a run printed. */
export const events = (e: Exit): Record<string, unknown>[] =>
  e.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** What a round of runs side by side adds up to, across a property's cases. */
export interface RoundTotals {
  processes: number;
  killed: number;
  busy: number;
}

/**
 * The checks every process of a round side by side must pass: it exited 0 unless it was killed on
 * purpose, printed no stack trace, and if it stood back (another run held the lease) it said `busy`
 * and did nothing at all (no document, no mail, no site). Counts the round into `totals` (one
 * process more: the run that follows each round).
 */
export function expectRoundExits(exits: readonly Exit[], crashes: readonly (number | null)[], when: string, busyText: string, totals: RoundTotals): void {
  totals.processes += exits.length + 1;
  totals.killed += exits.filter((e) => e.signal === 'SIGKILL').length;
  totals.busy += exits.filter((e) => events(e).some((ev) => ev.event === 'busy')).length;
  exits.forEach((e, p) => {
    const killed = e.signal === 'SIGKILL' && crashes[p] !== null;
    expect(killed || e.code === 0, `process ${p} at ${when}: exit ${e.code} ${e.signal}\n${e.stderr}\n${e.stdout.slice(-3000)}`).toBe(true);
    expect(e.stderr + e.stdout, 'no stack trace').not.toMatch(/\n\s+at [\w.<]+ \(|Error: /);
    const busy = events(e).filter((ev) => ev.event === 'busy');
    for (const ev of busy) expect(String(ev.message)).toContain(busyText);
    if (busy.length) expect(events(e).filter((ev) => ev.event === 'done' || ev.event === 'site')).toEqual([]);
  });
}
