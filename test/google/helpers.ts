// Shared set-up for the Google tests: a stand-in per test file, an environment pointing the real
// clients at it, and a retry policy with a recorded, instant sleep.

import { runPublish } from '../../src/commands/publish.js';
import type { LogEntry } from '../../src/delivery/ports.js';
import { openGoogle, type Google } from '../../src/google/client.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src/google/retry.js';
import { parseLogRows } from '../../src/google/sheets-state.js';
import type { RawGrid } from '../../src/workbook/raw.js';
import { LOG_TAB } from '../../sheets-schema/schema.js';
import { sheetOf, valuesOf, type Standin } from '../standin/index.js';

export const TOKEN = 'test-token';

export function standinEnv(standin: Standin, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { DAGSORDEN_GOOGLE_ROOT_URL: standin.url, DAGSORDEN_GOOGLE_ACCESS_TOKEN: TOKEN, ...extra };
}

/**
 * `dagsorden publish --sheet` against the stand-in: mail through Gmail; no LibreOffice, so .docx only
 * (the PDFs are tested with the documents); a short timeout, so a lost answer fails the test quickly.
 */
export function publishEnv(standin: Standin, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...standinEnv(standin), DAGSORDEN_MAIL: 'gmail', DAGSORDEN_SOFFICE: '/ingen/libreoffice', DAGSORDEN_GOOGLE_TIMEOUT_MS: '2000', ...extra };
}

/** `dagsorden publish --sheet <sheet> --now <now>` in this process against the stand-in: exit code and output lines. */
export async function publishSheet(standin: Standin, sheet: string, now: string): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runPublish({ sheet, now, out: '/tmp/dagsorden-google-unused' }, { out: (s) => out.push(s), err: (s) => out.push(s), env: publishEnv(standin), isTTY: false });
  return { code, out };
}

/** The Sheet's log as the stand-in holds it now. */
export function sheetLog(standin: Standin, sheet: string): LogEntry[] {
  return parseLogRows({ tab: LOG_TAB.name, rows: valuesOf(sheetOf(standin, sheet, LOG_TAB.name)) as RawGrid['rows'] });
}

/** The Google calls `run` made, per route and in all: the call budgets are stated per run, not per file. */
export async function callsDuring<T>(standin: Standin, run: () => Promise<T>): Promise<{ result: T; calls: Record<string, number>; total: number }> {
  const before = standin.calls.byRoute();
  const beforeTotal = standin.calls.count();
  const result = await run();
  const calls: Record<string, number> = {};
  for (const [route, n] of Object.entries(standin.calls.byRoute())) if (n - (before[route] ?? 0) > 0) calls[route] = n - (before[route] ?? 0);
  return { result, calls, total: standin.calls.count() - beforeTotal };
}

export interface FakeClock {
  readonly policy: RetryPolicy;
  /** Every wait the policy asked for, in ms. */
  readonly sleeps: number[];
}

/** A policy that does not really wait (and records the waits); random fixed at 0.5 unless given. */
export function fakeClock(overrides: Partial<RetryPolicy> = {}): FakeClock {
  const sleeps: number[] = [];
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    timeoutMs: 5_000,
    random: () => 0.5,
    now: () => Date.parse('2024-05-01T12:00:00Z'),
    ...overrides,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  return { policy, sleeps };
}

export async function google(standin: Standin, policy: RetryPolicy = fakeClock().policy, extra: NodeJS.ProcessEnv = {}): Promise<Google> {
  return openGoogle(standinEnv(standin, extra), { policy });
}
