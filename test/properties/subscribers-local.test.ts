// Citizens' subscriptions in the embedded default, kept by two `dagsorden serve` processes side by
// side on one out folder: two stores on one SQLite file (a restart that overlaps the old process, or
// two processes behind one proxy), each operation of each citizen through either, all at once.
//
// The property, computed from the operations alone: afterwards the file holds, for every citizen,
// exactly what that citizen's last operation said (signed up, confirmed, or gone), and no operation
// failed. Each store also sees the other's changes at once.
//
// Seeded; SUBSCRIBER_CONCURRENCY_RUNS=300 for a long run.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readSubscriptions, sqliteSubscriptionStore } from '../../src/local/subscriptions.js';
import { actSideBySide, citizensArb, expectedOf, heldOf } from '../helpers/subscriber-ops.js';

const RUNS = Number(process.env.SUBSCRIBER_CONCURRENCY_RUNS ?? 40);
const SEED = Number(process.env.SUBSCRIBER_CONCURRENCY_SEED ?? 2113);

let dir: string;
let caseNo = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dagsorden-subs-local-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

it(`two serve processes on one subscription file lose nothing (${RUNS} seeded cases)`, async () => {
  let operations = 0;
  await fc.assert(
    fc.asyncProperty(citizensArb(false), async (citizens) => {
      const path = join(dir, `case-${++caseNo}`, 'abonnenter.sqlite');
      const stores = [await sqliteSubscriptionStore(path), await sqliteSubscriptionStore(path)] as const;
      expect(await actSideBySide(citizens, stores)).toEqual([]);
      const got = new Map((await readSubscriptions(path)).map((s) => [s.email, heldOf(s)]));
      for (const c of citizens) expect({ citizen: c.n, has: got.get(`borger${c.n}@example.org`) }).toEqual({ citizen: c.n, has: expectedOf(c) });
      expect(got.size).toBe(citizens.filter((c) => expectedOf(c)).length);
      // Both stores read what the file holds, and no lock is left behind.
      for (const store of stores) expect((await store.all()).map(heldOf).sort((a, b) => a.email.localeCompare(b.email))).toEqual([...got.values()].sort((a, b) => a.email.localeCompare(b.email)));
      expect((await readdir(join(dir, `case-${caseNo}`))).filter((f) => f.endsWith('.lock'))).toEqual([]);
      operations += citizens.reduce((n, c) => n + c.ops.length, 0);
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  console.log(`abonnenter side om side (lokalt): ${RUNS} tilfælde, ${operations} handlinger (seed ${SEED})`);
}, 600_000);
