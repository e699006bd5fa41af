// Citizens' notices in Google mode under faults: subscribers in the Sheet's tab Abonnenter, read in
// the job's one read; the real client libraries against the stand-in with 429, 5xx, rate limits,
// timeouts and lost answers injected, and runs killed at random points, re-run until done.
// Afterwards each confirmed subscriber has had each notice exactly once, and the log says so.
// SUBSCRIBER_FAULT_RUNS=50 for a longer soak.

import { DateTime } from 'luxon';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LOG_TAB, SUBSCRIBERS_TAB } from '../../sheets-schema/schema.js';
import { loadMailTemplate, type MailTemplate } from '../../src/delivery/mail/mail-template.js';
import { loadTemplate, type Template } from '../../src/documents/template.js';
import { UserError } from '../../src/errors.js';
import { openGoogle } from '../../src/google/client.js';
import { driveDocumentStore } from '../../src/google/drive.js';
import { gmailTransport } from '../../src/google/gmail.js';
import { DEFAULT_RETRY_POLICY } from '../../src/google/retry.js';
import { googleSheetSource } from '../../src/google/sheets-read.js';
import { parseLogRows, sheetsStateStore } from '../../src/google/sheets-state.js';
import { parseSubscriberRows } from '../../src/google/subscribers.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { createComposer } from '../../src/publish/composer.js';
import { runPublish } from '../../src/publish/run.js';
import { readAndValidate } from '../../src/validate/index.js';
import { instantRenderer } from '../helpers/fakes.js';
import { prng } from '../helpers/prng.js';
import { addTabs, loadXlsx, sentMessages, startStandin, type Fault, type Standin } from '../standin/index.js';

const RUNS = Number(process.env.SUBSCRIBER_FAULT_RUNS ?? 8);
const SHEET = 'abonnent-fault-sheet-01';
class Killed extends Error {}

const ROUTES = ['sheets.spreadsheets.get', 'sheets.spreadsheets.values.batchUpdate', 'sheets.spreadsheets.batchUpdate', 'gmail.users.drafts.create', 'gmail.users.drafts.send', 'drive.files.list'];
const STATUSES = [429, 500, 503, '403-rateLimit'] as const;

// Confirmed before the first publication; one pending sign-up that must get nothing.
const SUBSCRIBERS = [
  ['anna@example.org', 'Forum', 'Chefforum', '2022-03-01T09:00:00.000Z', '2022-03-01T09:05:00.000Z', 'id-anna-000001', 'A'.repeat(43)],
  ['bo@example.org', 'Forum', 'Chefforum', '2022-03-01T09:00:00.000Z', '2022-03-01T09:06:00.000Z', 'id-bo-00000001', 'B'.repeat(43)],
  ['carl@example.org', 'Forum', 'Chefforum', '2022-03-01T09:00:00.000Z', '', 'id-carl-000001', `bekræft:${'C'.repeat(43)}`],
];

let standin: Standin;
let mailTemplate: MailTemplate;
let template: Template;
const env = (): NodeJS.ProcessEnv => ({ ...process.env, DAGSORDEN_GOOGLE_ROOT_URL: standin.url, DAGSORDEN_GOOGLE_ACCESS_TOKEN: 'test-token' });

beforeAll(async () => {
  standin = await startStandin();
  mailTemplate = await loadMailTemplate();
  template = await loadTemplate();
});
afterAll(() => standin.close());

/** Checkpoints a clean run passes: kills are drawn from these, so most land among the notices. */
let cleanSteps = 0;

async function runOnce(now: DateTime, rnd: () => number, killAt: number): Promise<boolean> {
  const google = await openGoogle(env(), { policy: { ...DEFAULT_RETRY_POLICY, attempts: 4, timeoutMs: 150, sleep: async () => {}, random: rnd } });
  const { model, problems, raw } = await readAndValidate(googleSheetSource(SHEET, google));
  // What the wiring hands the runner in Google mode: the tab as the one read returned it.
  const subscribers = parseSubscriberRows(raw.grids.get(SUBSCRIBERS_TAB.name));
  expect(subscribers.problems).toEqual([]);
  let step = 0;
  const result = await runPublish(
    { model, problems, now },
    {
      documents: driveDocumentStore({ google, memberEmails: model.members.filter((m) => m.active && m.seesClosed).map((m) => m.email) }),
      state: sheetsStateStore({ raw, google }),
      mail: gmailTransport(await google.gmail(), { policy: google.policy }),
      renderer: instantRenderer(),
      composer: createComposer(model.settings, mailTemplate),
      subscribers: { description: 'Abonnenter', readSubscriptions: async () => subscribers.subscriptions, template },
      retryDelay: async () => {},
      checkpoint: () => {
        if (step++ === killAt) throw new Killed();
      },
    },
  );
  cleanSteps = Math.max(cleanSteps, step);
  return !result.busy;
}

it(`${RUNS} runs with Google faults and kills: each subscriber gets each notice exactly once, and the log says so`, async () => {
  const totals = { runs: 0, kills: 0, serviceFailures: 0, duplicates: 0, losses: 0, logGaps: 0, pending: 0 };
  let expected: Set<string> | undefined;
  for (let seed = 0; seed <= RUNS; seed++) {
    const rnd = prng(seed * 4421 + 3);
    standin.reset();
    addTabs(await loadXlsx(standin, BUNDLED_WORKBOOK, { id: SHEET }), {
      [SUBSCRIBERS_TAB.name]: [SUBSCRIBERS_TAB.columns.map((c) => c.header), ...SUBSCRIBERS],
    });
    for (let attempt = 0; ; attempt++) {
      if (attempt > 30) throw new Error(`seed ${seed}: never finished`);
      const faulty = seed > 0 && attempt < 8;
      if (faulty) {
        for (let i = 0; i < 3; i++) {
          const fault: Fault =
            rnd() < 0.25
              ? { match: ROUTES[Math.floor(rnd() * ROUTES.length)]!, delayMs: 250 }
              : { match: ROUTES[Math.floor(rnd() * ROUTES.length)]!, status: STATUSES[Math.floor(rnd() * STATUSES.length)]!, times: 1 + Math.floor(rnd() * 2), after: rnd() < 0.3 };
          standin.faults.push(fault);
        }
      }
      // The last third of a clean run's checkpoints are the citizens' notices (they go after the members' mail).
      const killAt = faulty && rnd() < 0.8 ? Math.floor(cleanSteps * (rnd() < 0.7 ? 0.6 + 0.4 * rnd() : rnd())) : -1;
      try {
        // Each attempt is the next scheduled run, 16 minutes on, so an abandoned lease has expired.
        const now = DateTime.fromISO('2022-03-18T12:00', { zone: 'Europe/Copenhagen' }).plus({ minutes: 16 * attempt });
        const finished = await runOnce(now, rnd, killAt);
        standin.faults.length = 0;
        if (!finished) throw new Error('a run stood back for a lease that should have expired');
        break;
      } catch (e) {
        standin.faults.length = 0;
        if (e instanceof Killed) totals.kills++;
        else if (e instanceof UserError && e.reason === 'service') totals.serviceFailures++;
        else throw e;
      }
    }
    const notices = sentMessages(standin.state.gmail).filter((m) => m.headers.has('list-unsubscribe'));
    const byId = new Map<string, number>();
    for (const m of notices) byId.set(m.messageIdHeader, (byId.get(m.messageIdHeader) ?? 0) + 1);
    totals.pending += notices.filter((m) => m.headers.get('to')?.includes('carl@')).length;
    if (seed === 0) {
      expected = new Set(byId.keys());
      // Three public documents published on 18-03-2022 (two of CF-2021-03-04, one of CF-2022-03-24), to two confirmed subscribers.
      expect(expected.size).toBe(6);
      continue;
    }
    totals.duplicates += [...byId.values()].reduce((s, n) => s + n - 1, 0);
    totals.losses += [...expected!].filter((id) => !byId.has(id)).length;
    const { raw } = await readAndValidate(googleSheetSource(SHEET, await openGoogle(env())));
    const logged = new Set(parseLogRows(raw.grids.get(LOG_TAB.name)).filter((e) => e.action === 'abonnement' && e.status === 'udført').map((e) => e.messageId));
    totals.logGaps += [...byId.keys()].filter((id) => !logged.has(id)).length;
    totals.runs++;
  }
  console.log(`Subscriber notices under Google faults: runs ${totals.runs}, kills ${totals.kills}, service failures ${totals.serviceFailures}, duplicates ${totals.duplicates}, losses ${totals.losses}, log gaps ${totals.logGaps}`);
  expect(totals.runs).toBe(RUNS);
  expect(totals.kills + totals.serviceFailures).toBeGreaterThan(0);
  expect({ duplicates: totals.duplicates, losses: totals.losses, logGaps: totals.logGaps, pending: totals.pending }).toEqual({ duplicates: 0, losses: 0, logGaps: 0, pending: 0 });
}, 600_000);
