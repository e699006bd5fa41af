// The fault suite on the Google path: the real client libraries against the stand-in, with 429, 5xx,
// 403 rate limits, timeouts and lost answers injected, and runs killed at random points, re-run until
// done. Afterwards: one Drive file per document, edition and format; one e-mail per message; the log
// in the Sheet complete. GOOGLE_FAULT_RUNS=100 for a longer soak.

import { DateTime } from 'luxon';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { columnLetter, ITEMS_TAB, LOG_TAB } from '../../sheets-schema/schema.js';
import { openGoogle } from '../../src/google/client.js';
import { driveDocumentStore } from '../../src/google/drive.js';
import { DEFAULT_RETRY_POLICY } from '../../src/google/retry.js';
import { parseLogRows, sheetsStateStore } from '../../src/google/sheets-state.js';
import { gmailTransport } from '../../src/google/gmail.js';
import { loadMailTemplate, type MailTemplate } from '../../src/delivery/mail/mail-template.js';
import { UserError } from '../../src/errors.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { createComposer } from '../../src/publish/composer.js';
import { runPublish } from '../../src/publish/run.js';
import { readAndValidate } from '../../src/validate/index.js';
import { googleSheetSource } from '../../src/google/sheets-read.js';
import { instantRenderer } from '../helpers/fakes.js';
import { prng } from '../helpers/prng.js';
import { cellOf, loadXlsx, sentMessages, sheetOf, startStandin, valuesOf, type Fault, type Standin } from '../standin/index.js';

const RUNS = Number(process.env.GOOGLE_FAULT_RUNS ?? 12);
const SHEET = 'fault-sheet-000001';

class Killed extends Error {}

const ROUTES = ['POST /upload/drive/v3/files', 'PATCH /upload/drive/v3/files', 'drive.files.list', 'sheets.spreadsheets.get', 'sheets.spreadsheets.values.batchUpdate', 'gmail.users.drafts.create', 'gmail.users.drafts.send'];
const STATUSES = [429, 500, 503, '403-rateLimit'] as const;

let standin: Standin;
let template: MailTemplate;
const env = (): NodeJS.ProcessEnv => ({ ...process.env, DAGSORDEN_GOOGLE_ROOT_URL: standin.url, DAGSORDEN_GOOGLE_ACCESS_TOKEN: 'test-token' });

beforeAll(async () => {
  standin = await startStandin();
  template = await loadMailTemplate();
});
afterAll(() => standin.close());

async function runOnce(now: DateTime, rnd: () => number, killAt: number): Promise<boolean> {
  // Fast retries: a fake sleep, and a short timeout so a delayed answer is a timeout.
  const google = await openGoogle(env(), { policy: { ...DEFAULT_RETRY_POLICY, attempts: 4, timeoutMs: 150, sleep: async () => {}, random: rnd } });
  const source = googleSheetSource(SHEET, google);
  const { model, problems, raw } = await readAndValidate(source);
  let step = 0;
  const result = await runPublish(
    { model, problems, now },
    {
      documents: driveDocumentStore({ google, memberEmails: model.members.filter((m) => m.active && m.seesClosed).map((m) => m.email) }),
      state: sheetsStateStore({ raw, google }),
      mail: gmailTransport(await google.gmail(), { policy: google.policy }),
      renderer: instantRenderer(),
      composer: createComposer(model.settings, template),
      // The runner's pause before writing a result again, without the wait.
      retryDelay: async () => {},
      checkpoint: () => {
        if (step++ === killAt) throw new Killed();
      },
    },
  );
  return !result.busy;
}

function editItemText(): void {
  const punkter = sheetOf(standin, SHEET, ITEMS_TAB.name);
  const values = valuesOf(punkter);
  const header = values[0]!.map(String);
  const row = values.findIndex((r) => r[header.indexOf('Møde-id')] === 'CF-2022-03-24' && r[header.indexOf('Nr')] === 2);
  const cell = cellOf(punkter, `${columnLetter(header.indexOf('Anledning'))}${row + 1}`)!;
  cell.value = `${String(cell.value)} Rettet.`;
}

const PHASES: { now: string; before?: () => void }[] = [{ now: '2022-03-18T12:00' }, { now: '2022-03-19T09:00', before: editItemText }];

it(`${RUNS} runs with Google faults and kills: one file per document, one e-mail per message, the log complete`, async () => {
  const totals = { runs: 0, attempts: 0, kills: 0, faults: 0, serviceFailures: 0, duplicates: 0, losses: 0, duplicateFiles: 0, logGaps: 0 };
  let expected: Set<string> | undefined;
  for (let seed = 0; seed <= RUNS; seed++) {
    // Seed 0 is the clean run that says which messages must arrive.
    const rnd = prng(seed * 7727 + 1);
    const faultLog: unknown[] = [];
    standin.reset();
    await loadXlsx(standin, BUNDLED_WORKBOOK, { id: SHEET });
    for (const phase of PHASES) {
      phase.before?.();
      for (let attempt = 0; ; attempt++) {
        if (attempt > 30) throw new Error(`seed ${seed}: never finished`);
        totals.attempts++;
        const faulty = seed > 0 && attempt < 8;
        if (faulty) {
          for (let i = 0; i < 3; i++) {
            const timeout = rnd() < 0.25;
            const fault: Fault = timeout
              ? { match: ROUTES[Math.floor(rnd() * ROUTES.length)]!, delayMs: 250 }
              : { match: ROUTES[Math.floor(rnd() * ROUTES.length)]!, status: STATUSES[Math.floor(rnd() * STATUSES.length)]!, times: 1 + Math.floor(rnd() * 2), after: rnd() < 0.3 };
            standin.faults.push(fault);
            faultLog.push({ phase: phase.now, attempt, ...fault });
            totals.faults++;
          }
        }
        const killAt = faulty && rnd() < 0.5 ? Math.floor(rnd() * 12) : -1;
        try {
          // NOTE: each attempt is the next scheduled run, 16 minutes on, so an abandoned lease has expired.
          const now = DateTime.fromISO(phase.now, { zone: 'Europe/Copenhagen' }).plus({ minutes: 16 * attempt });
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
    }
    const sent = sentMessages(standin.state.gmail);
    const byId = new Map<string, number>();
    for (const m of sent) byId.set(m.messageIdHeader, (byId.get(m.messageIdHeader) ?? 0) + 1);
    if (seed === 0) {
      expected = new Set(byId.keys());
      expect(expected.size).toBe(27); // 18 invitations and minutes, then 9 amended agendas
      continue;
    }
    totals.duplicates += [...byId.values()].reduce((s, n) => s + n - 1, 0);
    totals.losses += [...expected!].filter((id) => !byId.has(id)).length;
    const perKey = new Map<string, number>();
    for (const f of standin.state.drive.files.values()) {
      if (!f.appProperties?.format || f.trashed) continue;
      const k = `${f.appProperties.meeting} ${f.appProperties.kind} ${f.appProperties.edition} ${f.appProperties.format}`;
      perKey.set(k, (perKey.get(k) ?? 0) + 1);
    }
    totals.duplicateFiles += [...perKey.values()].filter((n) => n > 1).length;
    if ([...perKey.values()].some((n) => n > 1)) console.log('seed', seed, 'faults', JSON.stringify(faultLog));
    const { raw } = await readAndValidate(googleSheetSource(SHEET, await openGoogle(env())));
    const log = parseLogRows(raw.grids.get(LOG_TAB.name));
    const logged = new Set(log.filter((e) => e.action === 'send' && e.status === 'udført').map((e) => e.messageId));
    totals.logGaps += [...byId.keys()].filter((id) => !logged.has(id)).length;
    totals.runs++;
  }
  console.log(`Google fault suite: runs ${totals.runs}, attempts ${totals.attempts}, kills ${totals.kills}, injected faults ${totals.faults}, runs ended by a service failure ${totals.serviceFailures}, duplicates ${totals.duplicates}, losses ${totals.losses}, duplicate files ${totals.duplicateFiles}, log gaps ${totals.logGaps}`);
  expect(totals.runs).toBe(RUNS);
  expect(totals.kills + totals.serviceFailures).toBeGreaterThan(0);
  expect({ duplicates: totals.duplicates, losses: totals.losses, duplicateFiles: totals.duplicateFiles, logGaps: totals.logGaps }).toEqual({ duplicates: 0, losses: 0, duplicateFiles: 0, logGaps: 0 });
}, 600_000);
