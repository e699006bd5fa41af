// Citizens acting on subscriptions side by side, for the properties of both subscription stores
// (test/properties/subscribers-*.test.ts): what each citizen does, through which of two `serve`
// processes, and what that leaves, computed from the operations alone (never from a store).

import fc from 'fast-check';
import type { Subscription } from '../../src/portal/subscriptions/rules.js';
import type { SubscriptionStore } from '../../src/portal/subscriptions/store.js';

export type Op = { kind: 'signUp' | 'confirm' | 'unsubscribe'; via: 0 | 1 };

export interface Citizen {
  readonly n: number;
  /** The first is always a sign-up. */
  readonly ops: readonly Op[];
  /** After which of its own operations the secretary deletes its row (undefined: she leaves it). */
  readonly deletedAfter: number | undefined;
}

const token = (n: number, version: number): string => `${String.fromCharCode(65 + n)}${version}`.padEnd(43, 'x');

/** Citizen n's subscription: its id is the same throughout; each sign-up asks anew (a new token). */
export const subscription = (n: number, version: number, confirmed: boolean): Subscription => ({
  id: `citizen-${n}-abc`,
  email: `borger${n}@example.org`,
  kind: n % 2 ? 'sag' : 'forum',
  target: n % 2 ? '24.10.00-A00-1-22' : 'Chefforum',
  token: token(n, version),
  requestedAt: `2026-12-0${1 + (version % 5)}T08:00:00.000Z`,
  ...(confirmed ? { confirmedAt: `2026-12-0${1 + (version % 5)}T08:05:00.000Z` } : {}),
});

export interface Held {
  readonly email: string;
  readonly target: string;
  readonly confirmed: boolean;
}

/** What a citizen's operations leave, from the operations alone; undefined when nothing. */
export function expectedOf(c: Citizen): Held | undefined {
  // NOTE: a deletion by the secretary unsubscribes; what the citizen does afterwards counts again only
  // from a new sign-up (a confirmation of a deleted row must not bring it back).
  const ops = c.deletedAfter === undefined ? c.ops : c.ops.slice(c.deletedAfter + 1);
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

/** What a store holds, in the same terms. */
export const heldOf = (s: Subscription): Held => ({ email: s.email, target: s.target, confirmed: s.confirmedAt !== undefined });

const opArb = fc.record({ kind: fc.constantFrom<Op['kind']>('signUp', 'confirm', 'unsubscribe'), via: fc.constantFrom<0 | 1>(0, 1) });

/** Two to six citizens, each with up to five operations; `withDeletions` lets the secretary delete rows. */
export const citizensArb = (withDeletions: boolean): fc.Arbitrary<Citizen[]> =>
  fc
    .array(fc.tuple(fc.array(opArb, { minLength: 1, maxLength: 4 }), fc.option(fc.nat(3), { nil: undefined })), { minLength: 2, maxLength: 6 })
    .map((cs) => cs.map(([ops, del], n): Citizen => ({ n, ops: [{ kind: 'signUp', via: ops[0]!.via }, ...ops], deletedAfter: del === undefined || !withDeletions ? undefined : Math.min(del, ops.length) })));

/**
 * Every citizen acts at once, each one operation after the other, as the endpoint would: a sign-up
 * puts a pending subscription, a confirmation confirms the one there is now (none: nothing), an
 * unsubscription removes it. Returns the operations that failed.
 */
export async function actSideBySide(citizens: readonly Citizen[], stores: readonly [SubscriptionStore, SubscriptionStore], after?: (c: Citizen, i: number) => Promise<void>): Promise<string[]> {
  const failures: string[] = [];
  await Promise.all(
    citizens.map(async (c) => {
      let version = 0;
      const id = subscription(c.n, 0, false).id;
      for (const [i, op] of c.ops.entries()) {
        const store = stores[op.via];
        try {
          if (op.kind === 'signUp') await store.put(subscription(c.n, ++version, false));
          else if (op.kind === 'confirm') {
            if ((await store.all()).some((s) => s.id === id)) await store.put(subscription(c.n, version, true));
          } else await store.remove([id]);
        } catch (e) {
          failures.push(`borger ${c.n}, ${op.kind} #${i}: ${(e as Error).message}`);
        }
        await after?.(c, i);
      }
    }),
  );
  return failures;
}
