// Runs side by side on a Google Sheet: the lease lives in the Sheet's log (appended, then read back),
// not in a local file, so this is what holds when the job runs on two machines. Real `dagsorden
// publish --sheet` processes (real client libraries) start at once against the stand-in, some killed
// outright at a random step (DAGSORDEN_CRASH_AT), in rounds at later and later times; after each round
// one more run at the same moment, as the next scheduled run would be.
//
// The property, against the same times run one process each on a copy of the Sheet (the reference):
// - every process exits 0 (or was killed on purpose), never with a stack trace; one that finds another
//   at work says so in Danish and does nothing at all;
// - every e-mail goes exactly once (Gmail's sent messages, by Message-ID), and the set is the reference's;
// - Drive holds the reference's files (by folder and name), each once.
// GOOGLE_CONCURRENCY_RUNS=<n> for a long run; PROPERTY_SEED=<n> for another seed.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { expectRoundExits, runCli, type Exit } from '../helpers/cli-process.js';
import { publishEnv } from '../google/helpers.js';
import { prng } from '../helpers/prng.js';
import { loadXlsx, sentMessages, startStandin, type Standin } from '../standin/index.js';

const RUNS = Number(process.env.GOOGLE_CONCURRENCY_RUNS ?? 1);
const SEED = Number(process.env.PROPERTY_SEED ?? 20261205);
const TIMES = ['2022-03-18T12:00', '2022-11-09T13:00'] as const;
const BUSY = 'En anden kørsel er i gang; denne kørsel gør intet.';

// NOTE: the reference runs against a stand-in of its own: the same Sheet gives the same Message-IDs,
// which a run looks for among what the account already sent.
let standin: Standin;
let reference: Standin;
beforeAll(async () => {
  [standin, reference] = await Promise.all([startStandin(), startStandin()]);
});
afterAll(async () => Promise.all([standin?.close(), reference?.close()]));


/** One `dagsorden publish --sheet`, .docx only (no LibreOffice), mail through Gmail's drafts. */
function publish(to: Standin, sheet: string, now: string, crashAt: number | null): Promise<Exit> {
  return runCli(['publish', '--sheet', sheet, '--now', now, '--out', '/tmp/dagsorden-google-unused'], { ...publishEnv(to), ...(crashAt !== null ? { DAGSORDEN_CRASH_AT: String(crashAt) } : {}) });
}


/** The Message-IDs of what the account sent, in order. */
const sentIds = (on: Standin): string[] => sentMessages(on.state.gmail).map((m) => m.messageIdHeader);

/** Drive's live files as `folder/…/name` from the top, sorted (duplicates kept). */
function driveFiles(on: Standin): string[] {
  const files = [...on.state.drive.files.values()].filter((f) => !f.trashed);
  const byId = new Map(files.map((f) => [f.id, f]));
  const pathOf = (id: string, depth = 0): string => {
    const f = byId.get(id)!;
    const parent = f.parents[0];
    return parent !== undefined && byId.has(parent) && depth < 20 ? `${pathOf(parent, depth + 1)}/${f.name}` : f.name;
  };
  return files.map((f) => pathOf(f.id)).sort();
}

const totals = { processes: 0, killed: 0, busy: 0, mails: 0 };

it(`side by side on a Google Sheet, with kills, the job does what one run at a time does (${RUNS} stories)`, async () => {
  const random = prng(SEED);
  for (let story = 0; story < RUNS; story++) {
    // Each story on fresh stand-ins' state: the reference, one process at each time, no kill.
    standin.reset();
    reference.reset();
    const sheet = `chefforum-${story}-${SEED}`;
    await Promise.all([loadXlsx(reference, BUNDLED_WORKBOOK, { id: sheet }), loadXlsx(standin, BUNDLED_WORKBOOK, { id: sheet })]);
    for (const now of TIMES) {
      const e = await publish(reference, sheet, now, null);
      expect(e.code, e.stderr).toBe(0);
    }
    const refMail = sentIds(reference);
    expect(refMail.length, 'the reference sends mail').toBeGreaterThan(0);

    // The story: the same times, processes side by side.
    for (const now of TIMES) {
      const n = 2 + Math.floor(random() * 2);
      // NOTE: up to 50 steps reaches every upload and send of the example's runs.
      const crashes = Array.from({ length: n }, () => (random() < 0.4 ? Math.floor(random() * 50) : null));
      const exits = await Promise.all(crashes.map((crashAt) => publish(standin, sheet, now, crashAt)));
      expectRoundExits(exits, crashes, now, BUSY, totals);
      // The next scheduled run finishes what a killed run left (its lease died with its process).
      const follow = await publish(standin, sheet, now, null);
      expect(follow.code, follow.stderr).toBe(0);
    }
    const mail = sentIds(standin);
    totals.mails += mail.length;
    expect(new Set(mail).size, 'every e-mail went once').toBe(mail.length);
    expect([...mail].sort()).toEqual([...refMail].sort());
    const drive = driveFiles(standin);
    expect(new Set(drive).size, 'each Drive file once').toBe(drive.length);
    expect(drive).toEqual(driveFiles(reference));
    expect(standin.unhandled).toEqual([]);
  }
  console.log(`side om side på Google: ${RUNS} forløb, ${totals.processes} processer, ${totals.killed} dræbt, ${totals.busy} stod tilbage, ${totals.mails} e-mails (seed ${SEED})`);
  expect(totals.busy, 'runs really met each other').toBeGreaterThan(0);
}, 900_000);
