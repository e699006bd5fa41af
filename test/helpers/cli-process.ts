// The built command line in a real process, for the tests that run several side by side or kill them:
// its exit, its output, and the JSON events it prints (one per line when not on a terminal).

import { spawn } from 'node:child_process';
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
