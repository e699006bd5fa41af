// Figure: notifying 10,000 subscribers of one publication (issue 21). The example is published as of
// 18 March 2022 and on the morning of 9 November 2022 (that day's agenda); then 10,000 citizens who
// confirmed at 10:00 follow Chefforum, and the run at 13:00 publishes that day's minutes: one
// publication, 10,000 notices to the outbox. Whole
// process, time and peak memory, beside the same run with no subscribers. Figures, not assertions.

import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteSubscriptionStore, subscriptionsPath } from '../src/local/subscriptions.js';
import { BUNDLED_WORKBOOK } from '../src/package-paths.js';
import { newToken, type Subscription } from '../src/portal/subscriptions/rules.js';
import { publishProcess } from './shared.js';

const SUBSCRIBERS = 10_000;
const line = (what: string, value: string, goal: string): string => `${what.padEnd(62)} ${value.padStart(12)}   (goal ${goal})`;

function publishOnce(out: string, now: string): { ms: number; rssMiB: number } {
  const r = publishProcess(['--now', now, '--out', out, '--workbook', BUNDLED_WORKBOOK]);
  if (r.status !== 0) throw new Error(`publish exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return { ms: r.ms, rssMiB: r.rssMiB };
}

export async function benchSubscribers(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-bench-subscribers-'));
  try {
    const none = join(dir, 'none');
    publishOnce(none, '2022-03-18T12:00');
    publishOnce(none, '2022-11-09T08:00');
    const out = join(dir, 'out');
    await cp(none, out, { recursive: true });
    const without = publishOnce(none, '2022-11-09T13:00');
    const store = await sqliteSubscriptionStore(subscriptionsPath(out));
    const subscriptions: Subscription[] = Array.from({ length: SUBSCRIBERS }, (_, i) => ({
      id: `b${i}`,
      email: `borger${i}@example.net`,
      kind: 'forum',
      target: 'Chefforum',
      token: newToken(),
      requestedAt: '2022-11-09T09:00:00.000Z',
      confirmedAt: '2022-11-09T09:00:00.000Z',
    }));
    await store.putAll(subscriptions);
    store.close();
    const withSubscribers = publishOnce(out, '2022-11-09T13:00');
    const notices = (await readdir(join(out, 'outbox'))).filter((f) => f.startsWith('abonnent-')).length;
    return [
      line(`one publication to ${SUBSCRIBERS} subscribers (${notices} notices, outbox), whole run`, `${(withSubscribers.ms / 1000).toFixed(1)} s`, '-'),
      line('  the same run with no subscribers', `${(without.ms / 1000).toFixed(1)} s`, '-'),
      line('  peak memory (maxRSS) with / without', `${withSubscribers.rssMiB.toFixed(0)} / ${without.rssMiB.toFixed(0)} MiB`, '-'),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
