// Citizens' notices in Google mode under faults: subscribers in the Sheet's tab Abonnenter, read in
// the job's one read; the real client libraries against the stand-in with 429, 5xx, rate limits,
// timeouts and lost answers injected, and runs killed at random points, re-run until done.
// Afterwards each confirmed subscriber has had each notice exactly once, and the log says so.
// SUBSCRIBER_FAULT_RUNS=50 for a longer soak.

import type { DateTime } from 'luxon';
import { beforeAll, expect, it } from 'vitest';
import { SUBSCRIBERS_TAB } from '../../sheets-schema/schema.js';
import { loadTemplate, type Template } from '../../src/documents/template.js';
import { openGoogle } from '../../src/google/client.js';
import { DEFAULT_RETRY_POLICY } from '../../src/google/retry.js';
import { googleSheetSource } from '../../src/google/sheets-read.js';
import { parseSubscriberRows } from '../../src/google/subscribers.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { runPublish } from '../../src/publish/run.js';
import { readAndValidate } from '../../src/validate/index.js';
import { countByMessageId, googleServices, killSwitch, logGaps, mailErrors, runUntilDone, useGoogleSuite, type FaultMix } from '../helpers/fault-harness.js';
import { prng } from '../helpers/prng.js';
import { addTabs, loadXlsx, sentMessages } from '../standin/index.js';

const RUNS = Number(process.env.SUBSCRIBER_FAULT_RUNS ?? 8);
const SHEET = 'abonnent-fault-sheet-01';

const MIX: FaultMix = {
  routes: ['sheets.spreadsheets.get', 'sheets.spreadsheets.values.batchUpdate', 'sheets.spreadsheets.batchUpdate', 'gmail.users.drafts.create', 'gmail.users.drafts.send', 'drive.files.list'],
  perAttempt: 3,
  timeoutShare: 0.25,
  delayMs: 250,
  afterShare: 0.3,
};

// Confirmed before the first publication; one pending sign-up that must get nothing.
const SUBSCRIBERS = [
  ['anna@example.org', 'Forum', 'Chefforum', '2022-03-01T09:00:00.000Z', '2022-03-01T09:05:00.000Z', 'id-anna-000001', 'A'.repeat(43)],
  ['bo@example.org', 'Forum', 'Chefforum', '2022-03-01T09:00:00.000Z', '2022-03-01T09:06:00.000Z', 'id-bo-00000001', 'B'.repeat(43)],
  ['carl@example.org', 'Forum', 'Chefforum', '2022-03-01T09:00:00.000Z', '', 'id-carl-000001', `bekræft:${'C'.repeat(43)}`],
];

const suite = useGoogleSuite();
let template: Template;

beforeAll(async () => {
  template = await loadTemplate();
});

/** Checkpoints a clean run passes: kills are drawn from these, so most land among the notices. */
let cleanSteps = 0;

async function runOnce(now: DateTime, rnd: () => number, killAt: number): Promise<boolean> {
  const google = await openGoogle(suite.env(), { policy: { ...DEFAULT_RETRY_POLICY, attempts: 4, timeoutMs: 150, sleep: async () => {}, random: rnd } });
  const read = await readAndValidate(googleSheetSource(SHEET, google));
  const { model, problems, raw } = read;
  // What the wiring hands the runner in Google mode: the tab as the one read returned it.
  const subscribers = parseSubscriberRows(raw.grids.get(SUBSCRIBERS_TAB.name));
  expect(subscribers.problems).toEqual([]);
  const kill = killSwitch(killAt);
  const result = await runPublish(
    { model, problems, now },
    await googleServices(google, read, suite.template, {
      subscribers: { description: 'Abonnenter', readSubscriptions: async () => subscribers.subscriptions, template },
      checkpoint: kill.checkpoint,
    }),
  );
  cleanSteps = Math.max(cleanSteps, kill.steps);
  return !result.busy;
}

it(`${RUNS} runs with Google faults and kills: each subscriber gets each notice exactly once, and the log says so`, async () => {
  const { standin } = suite;
  const totals = { runs: 0, attempts: 0, kills: 0, faults: 0, serviceFailures: 0, duplicates: 0, losses: 0, logGaps: 0, pending: 0 };
  let expected: Set<string> | undefined;
  for (let seed = 0; seed <= RUNS; seed++) {
    const rnd = prng(seed * 4421 + 3);
    standin.reset();
    addTabs(await loadXlsx(standin, BUNDLED_WORKBOOK, { id: SHEET }), {
      [SUBSCRIBERS_TAB.name]: [SUBSCRIBERS_TAB.columns.map((c) => c.header), ...SUBSCRIBERS],
    });
    await runUntilDone(standin, {
      seed,
      rnd,
      start: '2022-03-18T12:00',
      mix: MIX,
      // The last third of a clean run's checkpoints are the citizens' notices (they go after the members' mail).
      drawKill: () => (rnd() < 0.8 ? Math.floor(cleanSteps * (rnd() < 0.7 ? 0.6 + 0.4 * rnd() : rnd())) : -1),
      run: (now, killAt) => runOnce(now, rnd, killAt),
      tally: totals,
    });
    const notices = sentMessages(standin.state.gmail).filter((m) => m.headers.has('list-unsubscribe'));
    const byId = countByMessageId(notices);
    totals.pending += notices.filter((m) => m.headers.get('to')?.includes('carl@')).length;
    if (seed === 0) {
      expected = new Set(byId.keys());
      // Three public documents published on 18-03-2022 (two of CF-2021-03-04, one of CF-2022-03-24), to two confirmed subscribers.
      expect(expected.size).toBe(6);
      continue;
    }
    const { duplicates, losses } = mailErrors(byId, expected!);
    totals.duplicates += duplicates;
    totals.losses += losses;
    totals.logGaps += await logGaps(suite, SHEET, 'abonnement', byId.keys());
    totals.runs++;
  }
  console.log(`Subscriber notices under Google faults: runs ${totals.runs}, kills ${totals.kills}, service failures ${totals.serviceFailures}, duplicates ${totals.duplicates}, losses ${totals.losses}, log gaps ${totals.logGaps}`);
  expect(totals.runs).toBe(RUNS);
  expect(totals.kills + totals.serviceFailures).toBeGreaterThan(0);
  expect({ duplicates: totals.duplicates, losses: totals.losses, logGaps: totals.logGaps, pending: totals.pending }).toEqual({ duplicates: 0, losses: 0, logGaps: 0, pending: 0 });
}, 600_000);
