// Citizens' subscriptions on a Google Sheet, kept by two `dagsorden serve --sheet` processes side by
// side (two stores, two Google sessions, the real client libraries against the stand-in), while the
// secretary deletes rows in Abonnenter at random moments between their calls.
//
// The property, computed from the operations alone: afterwards the tab holds, for every citizen,
// exactly what that citizen's last operation after the secretary's deletion (if any) said (signed up,
// confirmed, or gone); rows that were there before anchors existed ("bystanders", no one acts on them)
// are untouched unless the secretary deleted them; every row is read without a problem; and no
// operation failed.
//
// Seeded; SUBSCRIBER_CONCURRENCY_RUNS=300 for a long run.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SUBSCRIBERS_TAB } from '../../sheets-schema/schema.js';
import { openGoogle } from '../../src/google/client.js';
import { DEFAULT_RETRY_POLICY } from '../../src/google/retry.js';
import { googleSubscriptionStore, parseSubscriberRows } from '../../src/google/subscribers.js';
import type { SubscriptionStore } from '../../src/portal/subscriptions/store.js';
import type { RawGrid } from '../../src/workbook/raw.js';
import { publishEnv } from '../google/helpers.js';
import { prng } from '../helpers/prng.js';
import { actSideBySide, citizensArb, expectedOf, heldOf, subscription, type Citizen } from '../helpers/subscriber-ops.js';
import { deleteRows, loadGrid, sheetOf, spreadsheetOf, startStandin, valuesOf, type Standin } from '../standin/index.js';

const RUNS = Number(process.env.SUBSCRIBER_CONCURRENCY_RUNS ?? 60);
const SEED = Number(process.env.SUBSCRIBER_CONCURRENCY_SEED ?? 2112);

let standin: Standin;
let caseNo = 0;
const totals = { cases: 0, operations: 0, deletions: 0 };

beforeAll(async () => {
  standin = await startStandin();
  // NOTE: the quota's clock moves a second per call, so Google's 60 writes a minute never stalls a case.
  let tick = 0;
  standin.quotas.clock = () => (tick += 1000);
});
afterAll(async () => standin?.close());

/** A row already in the tab, written before rows were anchored (or typed in): no one acts on it. */
const bystander = (k: number): string[] => [`tilskuer${k}@example.org`, 'Forum', 'Chefforum', '2026-11-01T08:00:00.000Z', '2026-11-01T08:05:00.000Z', `bystander-${k}-abc`, `Z${k}`.padEnd(43, 'z')];

/**
 * One case: the citizens act side by side; the bystanders' rows are in the tab from the start (when
 * it exists), and the secretary deletes some of them at given Sheets calls.
 */
async function runCase(citizens: readonly Citizen[], tabExists: boolean, bystanders: readonly (number | undefined)[], seed: number): Promise<void> {
  const id = `abonnent-race-${String(++caseNo).padStart(6, '0')}`;
  const kept = tabExists ? bystanders : [];
  loadGrid(standin, tabExists ? { Møder: [['x']], [SUBSCRIBERS_TAB.name]: [SUBSCRIBERS_TAB.columns.map((c) => c.header), ...kept.map((_, k) => bystander(k))] } : { Møder: [['x']] }, { id });
  const rnd = prng(seed);
  const open = () => openGoogle(publishEnv(standin), { policy: { ...DEFAULT_RETRY_POLICY, attempts: 6, timeoutMs: 2000, sleep: async () => {}, random: rnd } });
  const stores: [SubscriptionStore, SubscriptionStore] = [googleSubscriptionStore({ spreadsheetId: id, google: open() }), googleSubscriptionStore({ spreadsheetId: id, google: open() })];

  // The secretary's deletions wait for their citizen's operation to be done, then happen at the next
  // Sheets call any store makes: between another citizen's read and write, as often as not. The
  // citizen waits for it (or, when no call comes, it happens on its own), so the order is known.
  const due = new Map<number, () => void>();
  const deleteRow = (rowId: string): void => {
    const sheet = sheetOf(standin, id, SUBSCRIBERS_TAB.name);
    const r = sheet.rows.findIndex((row) => row?.some((cell) => cell?.value === rowId));
    if (r > 0) {
      // As the secretary's "Delete row" does: the rows below move up, with their metadata.
      deleteRows(spreadsheetOf(standin, id), sheet, r, r + 1);
      totals.deletions++;
    }
  };
  const deleteDue = (): void => {
    for (const [n, done] of due) {
      due.delete(n);
      deleteRow(subscription(n, 0, false).id);
      done();
    }
  };
  const secretaryDeletes = (n: number): Promise<void> =>
    new Promise((done) => {
      due.set(n, done);
      setTimeout(deleteDue, 15);
    });
  let calls = 0;
  const hook = {
    match: (t: { route: string; path: string }) => {
      if (!t.route.startsWith('sheets.') || !t.path.includes(id)) return false;
      calls++;
      kept.forEach((at, k) => at === calls && deleteRow(`bystander-${k}-abc`));
      deleteDue();
      return false;
    },
    times: Infinity,
  };
  // Answers come late at random, so the two stores' calls interleave differently from case to case.
  const jitter = { match: () => rnd() < 0.3, delayMs: 3, times: Infinity };
  standin.faults.push(hook, jitter);
  let failures: string[];
  try {
    failures = await actSideBySide(citizens, stores, async (c, i) => {
      if (c.deletedAfter === i) await secretaryDeletes(c.n);
    });
  } finally {
    standin.faults.splice(standin.faults.indexOf(hook), 2);
  }
  expect(failures).toEqual([]);

  const parsed = parseSubscriberRows({ tab: SUBSCRIBERS_TAB.name, rows: valuesOf(sheetOf(standin, id, SUBSCRIBERS_TAB.name)) as RawGrid['rows'] });
  expect(parsed.problems.map((p) => `${p.cell}: ${p.message}`)).toEqual([]);
  const got = new Map(parsed.subscriptions.map((s) => [s.email, heldOf(s)]));
  for (const c of citizens) expect({ citizen: c.n, has: got.get(`borger${c.n}@example.org`) }).toEqual({ citizen: c.n, has: expectedOf(c) });
  // A bystander's row is as it was, unless the secretary deleted it before the last call.
  const bystandersLeft = kept.flatMap((at, k) => (at !== undefined && at <= calls ? [] : [`tilskuer${k}@example.org`]));
  for (const k of kept.keys()) expect({ bystander: k, has: got.has(`tilskuer${k}@example.org`) }).toEqual({ bystander: k, has: bystandersLeft.includes(`tilskuer${k}@example.org`) });
  for (const email of bystandersLeft) expect(parsed.subscriptions.find((x) => x.email === email)).toMatchObject({ confirmedAt: '2026-11-01T08:05:00.000Z', token: bystander(Number(/\d+/.exec(email)![0]))[6] });
  expect(got.size).toBe(citizens.filter((c) => expectedOf(c)).length + bystandersLeft.length);
  // The same read without the program's parser: the non-empty rows are exactly the expected addresses, one row each.
  const rawRows = valuesOf(sheetOf(standin, id, SUBSCRIBERS_TAB.name)).slice(1).filter((r) => r.some((v) => v !== null && v !== ''));
  const emailAt = SUBSCRIBERS_TAB.columns.findIndex((c) => c.key === 'email');
  const wanted = [...citizens.filter((c) => expectedOf(c)).map((c) => `borger${c.n}@example.org`), ...bystandersLeft].sort();
  expect(rawRows.map((r) => String(r[emailAt])).sort()).toEqual(wanted);
  totals.operations += citizens.reduce((n, c) => n + c.ops.length, 0);
  totals.cases++;
}

it(`two serve processes and the secretary keep Abonnenter right (${RUNS} seeded cases)`, async () => {
  await fc.assert(
    fc.asyncProperty(citizensArb(true), fc.boolean(), fc.array(fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }), { maxLength: 3 }), fc.nat(), async (citizens, tabExists, bystanders, seed) =>
      runCase(citizens, tabExists, bystanders, seed),
    ),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  console.log(`abonnenter side om side: ${totals.cases} tilfælde, ${totals.operations} handlinger, ${totals.deletions} rækker slettet af sekretæren (seed ${SEED})`);
  expect(totals.cases).toBe(RUNS);
  expect(totals.deletions).toBeGreaterThan(0);
}, 600_000);
