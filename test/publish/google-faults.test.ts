// The fault suite on the Google path: the real client libraries against the stand-in, with 429, 5xx,
// 403 rate limits, timeouts and lost answers injected, and runs killed at random points, re-run until
// done. Afterwards: one Drive file per document, edition and format; one e-mail per message; the log
// in the Sheet complete. GOOGLE_FAULT_RUNS=100 for a longer soak.

import type { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { columnLetter, ITEMS_TAB } from '../../sheets-schema/schema.js';
import { openGoogle } from '../../src/google/client.js';
import { DEFAULT_RETRY_POLICY } from '../../src/google/retry.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { runPublish } from '../../src/publish/run.js';
import { readAndValidate } from '../../src/validate/index.js';
import { googleSheetSource } from '../../src/google/sheets-read.js';
import { countByMessageId, documentFilesPerKey, googleServices, killSwitch, logGaps, mailErrors, runUntilDone, useGoogleSuite, type FaultMix } from '../helpers/fault-harness.js';
import { prng } from '../helpers/prng.js';
import { cellOf, loadXlsx, sentMessages, sheetOf, valuesOf } from '../standin/index.js';

const RUNS = Number(process.env.GOOGLE_FAULT_RUNS ?? 12);
const SHEET = 'fault-sheet-000001';

const MIX: FaultMix = {
  routes: ['POST /upload/drive/v3/files', 'PATCH /upload/drive/v3/files', 'drive.files.list', 'sheets.spreadsheets.get', 'sheets.spreadsheets.values.batchUpdate', 'gmail.users.drafts.create', 'gmail.users.drafts.send'],
  perAttempt: 3,
  timeoutShare: 0.25,
  delayMs: 250,
  afterShare: 0.3,
};

const suite = useGoogleSuite();

async function runOnce(now: DateTime, rnd: () => number, killAt: number): Promise<boolean> {
  // Fast retries: a fake sleep, and a short timeout so a delayed answer is a timeout.
  const google = await openGoogle(suite.env(), { policy: { ...DEFAULT_RETRY_POLICY, attempts: 4, timeoutMs: 150, sleep: async () => {}, random: rnd } });
  const source = googleSheetSource(SHEET, google);
  const read = await readAndValidate(source);
  const { model, problems } = read;
  const result = await runPublish({ model, problems, now }, await googleServices(google, read, suite.template, { checkpoint: killSwitch(killAt).checkpoint }));
  return !result.busy;
}

function editItemText(): void {
  const punkter = sheetOf(suite.standin, SHEET, ITEMS_TAB.name);
  const values = valuesOf(punkter);
  const header = values[0]!.map(String);
  const row = values.findIndex((r) => r[header.indexOf('Møde-id')] === 'CF-2022-03-24' && r[header.indexOf('Nr')] === 2);
  const cell = cellOf(punkter, `${columnLetter(header.indexOf('Anledning'))}${row + 1}`)!;
  cell.value = `${String(cell.value)} Rettet.`;
}

const PHASES: { now: string; before?: () => void }[] = [{ now: '2022-03-18T12:00' }, { now: '2022-03-19T09:00', before: editItemText }];

it(`${RUNS} runs with Google faults and kills: one file per document, one e-mail per message, the log complete`, async () => {
  const { standin } = suite;
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
      await runUntilDone(standin, {
        seed,
        rnd,
        start: phase.now,
        mix: MIX,
        drawKill: () => (rnd() < 0.5 ? Math.floor(rnd() * 12) : -1),
        run: (now, killAt) => runOnce(now, rnd, killAt),
        tally: totals,
        faultLog,
      });
    }
    const byId = countByMessageId(sentMessages(standin.state.gmail));
    if (seed === 0) {
      expected = new Set(byId.keys());
      expect(expected.size).toBe(27); // 18 invitations and minutes, then 9 amended agendas
      continue;
    }
    const { duplicates, losses } = mailErrors(byId, expected!);
    totals.duplicates += duplicates;
    totals.losses += losses;
    const perKey = documentFilesPerKey(standin);
    totals.duplicateFiles += [...perKey.values()].filter((n) => n > 1).length;
    if ([...perKey.values()].some((n) => n > 1)) console.log('seed', seed, 'faults', JSON.stringify(faultLog));
    totals.logGaps += await logGaps(suite, SHEET, 'send', byId.keys());
    totals.runs++;
  }
  console.log(`Google fault suite: runs ${totals.runs}, attempts ${totals.attempts}, kills ${totals.kills}, injected faults ${totals.faults}, runs ended by a service failure ${totals.serviceFailures}, duplicates ${totals.duplicates}, losses ${totals.losses}, duplicate files ${totals.duplicateFiles}, log gaps ${totals.logGaps}`);
  expect(totals.runs).toBe(RUNS);
  expect(totals.kills + totals.serviceFailures).toBeGreaterThan(0);
  expect({ duplicates: totals.duplicates, losses: totals.losses, duplicateFiles: totals.duplicateFiles, logGaps: totals.logGaps }).toEqual({ duplicates: 0, losses: 0, duplicateFiles: 0, logGaps: 0 });
}, 600_000);
