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
import type { Subscription } from '../../src/portal/subscriptions/rules.js';
import type { SubscriptionStore } from '../../src/portal/subscriptions/store.js';
import type { RawGrid } from '../../src/workbook/raw.js';
import { publishEnv } from '../google/helpers.js';
import { prng } from '../helpers/prng.js';
import { deleteRows, loadGrid, sheetOf, spreadsheetOf, startStandin, valuesOf, type Standin } from '../standin/index.js';

const RUNS = Number(process.env.SUBSCRIBER_CONCURRENCY_RUNS ?? 25);
const SEED = Number(process.env.SUBSCRIBER_CONCURRENCY_SEED ?? 2112);

type Op = { kind: 'signUp' | 'confirm' | 'unsubscribe'; via: 0 | 1 };

interface Citizen {
  readonly n: number;
  readonly ops: readonly Op[];
  /** After which of its own operations the secretary deletes its row (undefined: she leaves it). */
  readonly deletedAfter: number | undefined;
}

const token = (n: number, version: number): string => `${String.fromCharCode(65 + n)}${version}`.padEnd(43, 'x');
const subscription = (n: number, version: number, confirmed: boolean): Subscription => ({
  id: `citizen-${n}-abc`,
  email: `borger${n}@example.org`,
  kind: n % 2 ? 'sag' : 'forum',
  target: n % 2 ? '24.10.00-A00-1-22' : 'Chefforum',
  token: token(n, version),
  requestedAt: `2026-12-0${1 + (version % 5)}T08:00:00.000Z`,
  ...(confirmed ? { confirmedAt: `2026-12-0${1 + (version % 5)}T08:05:00.000Z` } : {}),
});

/** The subscription a citizen's operations leave, from the operations alone; undefined when none. */
function expected(c: Citizen): { email: string; target: string; confirmed: boolean } | undefined {
  const ops = c.deletedAfter === undefined ? c.ops : c.ops.slice(c.deletedAfter + 1);
  // NOTE: a deletion by the secretary unsubscribes; what the citizen does afterwards counts again only
  // from a new sign-up (a confirmation of a deleted row must not bring it back).
  let state: 'none' | 'pending' | 'confirmed' = 'none';
  for (const op of ops) {
    if (op.kind === 'signUp') state = 'pending';
    else if (op.kind === 'confirm' && state !== 'none') state = 'confirmed';
    else if (op.kind === 'unsubscribe') state = 'none';
  }
  if (state === 'none') return undefined;
  const s = subscription(c.n, 0, false);
  return { email: s.email, target: s.target, confirmed: state === 'confirmed' };
}

const opArb = fc.record({ kind: fc.constantFrom<Op['kind']>('signUp', 'confirm', 'unsubscribe'), via: fc.constantFrom<0 | 1>(0, 1) });
const citizensArb = fc
  .array(fc.tuple(fc.array(opArb, { minLength: 1, maxLength: 4 }), fc.option(fc.nat(3), { nil: undefined })), { minLength: 2, maxLength: 6 })
  .map((cs) => cs.map(([ops, del], n): Citizen => ({ n, ops: [{ kind: 'signUp', via: ops[0]!.via }, ...ops], deletedAfter: del === undefined ? undefined : Math.min(del, ops.length) })));

let standin: Standin;
let caseNo = 0;
const totals = { cases: 0, operations: 0, deletions: 0, raced: 0 };

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
  const stores: SubscriptionStore[] = [googleSubscriptionStore({ spreadsheetId: id, google: open() }), googleSubscriptionStore({ spreadsheetId: id, google: open() })];

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
  const failures: string[] = [];
  try {
    await Promise.all(
      citizens.map(async (c) => {
        let version = 0;
        for (const [i, op] of c.ops.entries()) {
          const store = stores[op.via]!;
          totals.operations++;
          try {
            if (op.kind === 'signUp') await store.put(subscription(c.n, ++version, false));
            else if (op.kind === 'confirm') {
              // What the endpoint does on the confirmation link: the row as it is now, confirmed.
              const now = (await store.all()).find((s) => s.id === subscription(c.n, 0, false).id);
              if (now) await store.put(subscription(c.n, version, true));
            } else await store.remove([subscription(c.n, 0, false).id]);
          } catch (e) {
            failures.push(`borger ${c.n}, ${op.kind} #${i}: ${(e as Error).message}`);
          }
          if (c.deletedAfter === i) await secretaryDeletes(c.n);
        }
      }),
    );
  } finally {
    standin.faults.splice(standin.faults.indexOf(hook), 2);
  }
  expect(failures).toEqual([]);

  const parsed = parseSubscriberRows({ tab: SUBSCRIBERS_TAB.name, rows: valuesOf(sheetOf(standin, id, SUBSCRIBERS_TAB.name)) as RawGrid['rows'] });
  expect(parsed.problems.map((p) => `${p.cell}: ${p.message}`)).toEqual([]);
  const got = new Map(parsed.subscriptions.map((s) => [s.email, { email: s.email, target: s.target, confirmed: s.confirmedAt !== undefined }]));
  for (const c of citizens) expect({ citizen: c.n, has: got.get(`borger${c.n}@example.org`) }).toEqual({ citizen: c.n, has: expected(c) });
  // A bystander's row is as it was, unless the secretary deleted it before the last call.
  const bystandersLeft = kept.flatMap((at, k) => (at !== undefined && at <= calls ? [] : [`tilskuer${k}@example.org`]));
  for (const k of kept.keys()) expect({ bystander: k, has: got.has(`tilskuer${k}@example.org`) }).toEqual({ bystander: k, has: bystandersLeft.includes(`tilskuer${k}@example.org`) });
  for (const email of bystandersLeft) expect(parsed.subscriptions.find((x) => x.email === email)).toMatchObject({ confirmedAt: '2026-11-01T08:05:00.000Z', token: bystander(Number(/\d+/.exec(email)![0]))[6] });
  expect(got.size).toBe(citizens.filter((c) => expected(c)).length + bystandersLeft.length);
  totals.cases++;
}

it(`two serve processes and the secretary keep Abonnenter right (${RUNS} seeded cases)`, async () => {
  await fc.assert(
    fc.asyncProperty(citizensArb, fc.boolean(), fc.array(fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }), { maxLength: 3 }), fc.nat(), async (citizens, tabExists, bystanders, seed) =>
      runCase(citizens, tabExists, bystanders, seed),
    ),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  console.log(`abonnenter side om side: ${totals.cases} tilfælde, ${totals.operations} handlinger, ${totals.deletions} rækker slettet af sekretæren (seed ${SEED})`);
  expect(totals.cases).toBe(RUNS);
  expect(totals.deletions).toBeGreaterThan(0);
}, 600_000);
