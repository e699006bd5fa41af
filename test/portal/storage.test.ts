// The site uploaded to a Cloud Storage bucket with the real client (@googleapis/storage) against the
// stand-in of the JSON API: content types and cache headers, and exactly once under faults (refused,
// timed out, done-but-answer-lost) and kills (in-process at every kind of step, and real SIGKILLs of
// `dagsorden publish`): no object missing, none written twice, no stale object left behind.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openGoogle } from '../../src/google/client.js';
import { DEFAULT_RETRY_POLICY } from '../../src/google/retry.js';
import { localStateStore } from '../../src/local/state.js';
import { bundledTemplateSync } from '../../src/documents/template.js';
import { selectPortalInput, type PortalInput } from '../../src/portal/input.js';
import { buildFullSite, publishSite } from '../../src/portal/site-sync.js';
import { withLocalBytes } from '../../src/publish/site-step.js';
import { bucketTarget } from '../../src/google/storage.js';
import { MANIFEST_NAME, sha256 } from '../../src/portal/target.js';
import { BUNDLED_WORKBOOK, PACKAGE_ROOT } from '../../src/package-paths.js';
import { readAndValidate } from '../../src/validate/index.js';
import { xlsxSource } from '../../src/local/xlsx.js';
import { writeTestWorkbook } from '../helpers/workbook.js';
import { createBucket, startStandin, writesPerObject, type Standin } from '../standin/index.js';
import { publish } from './helpers.js';
import { portalWorkbook } from './workbook-fixture.js';

const BUCKET = 'albertslund-dagsordener';
let standin: Standin;
let input: PortalInput;
const TODAY = '2022-11-09';
const fast = { ...DEFAULT_RETRY_POLICY, sleep: async () => {}, timeoutMs: 2_000 };

const env = () => ({ DAGSORDEN_GOOGLE_ROOT_URL: standin.url, DAGSORDEN_GOOGLE_ACCESS_TOKEN: 'test-token' });
const target = async () => bucketTarget({ google: openGoogle(env(), { policy: fast }), bucket: BUCKET, policy: fast });
const objects = () => standin.state.storage.buckets.get(BUCKET)!;
const siteObjects = () => [...objects().keys()].filter((n) => n !== MANIFEST_NAME).sort();

class Killed extends Error {}
/** Dies (throws) at the n-th step of a run, as a killed process stops there. */
const killAt = (n: number) => {
  let step = 0;
  return () => {
    if (step++ === n) throw new Killed(`killed at step ${n}`);
  };
};

beforeAll(async () => {
  standin = await startStandin();
  const out = join(await mkdtemp(join(tmpdir(), 'dagsorden-bucket-')), 'out');
  for (const now of ['2022-03-18T12:00', '2022-11-09T13:00']) expect((await publish(BUNDLED_WORKBOOK, out, now)).code).toBe(0);
  const { model, problems } = await readAndValidate(xlsxSource(BUNDLED_WORKBOOK));
  input = await withLocalBytes(selectPortalInput({ model, problems, log: await localStateStore(out).readLog(), template: bundledTemplateSync() }).input);
}, 120_000);
afterAll(() => standin.close());
beforeEach(() => {
  standin.reset();
  createBucket(standin.state.storage, BUCKET);
});

async function expected(site: PortalInput = input): Promise<Map<string, string>> {
  const files = await buildFullSite(site, TODAY);
  return new Map([...files].map(([n, f]) => [n, sha256(f.body)]));
}

function expectBucketToHold(want: Map<string, string>): void {
  expect(siteObjects()).toEqual([...want.keys()].sort());
  for (const [name, o] of objects()) {
    if (name === MANIFEST_NAME) continue;
    const actual = createHash('sha256').update(o.data).digest('hex');
    expect(actual, name).toBe(want.get(name));
    expect(o.metadata?.sha256, name).toBe(actual);
  }
}

describe('the site in a Cloud Storage bucket', () => {
  it('uploads every file once with its content type and cache header; a second run uploads nothing', async () => {
    const first = await publishSite({ input, today: TODAY, target: await target() });
    expect(first.written.length).toBe(first.total);
    expectBucketToHold(await expected());
    const o = (n: string) => objects().get(n)!;
    expect(o('index.html')).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=300' });
    expect(o('fora/chefforum/feed.atom').contentType).toBe('application/atom+xml; charset=utf-8');
    expect(o('fora/chefforum/moeder.ics').contentType).toBe('text/calendar; charset=utf-8');
    expect(o('oparl/system.json').contentType).toBe('application/json; charset=utf-8');
    expect(o('assets/site.css').contentType).toBe('text/css; charset=utf-8');
    expect(o('moeder/cf-2022-03-24/dagsorden.docx')).toMatchObject({ contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', cacheControl: 'public, max-age=3600' });
    const fragment = siteObjects().find((n) => n.startsWith('pagefind/fragment/'))!;
    expect(o(fragment).cacheControl).toBe('public, max-age=31536000, immutable');
    expect(o('pagefind/pagefind-entry.json').cacheControl).toBe('public, max-age=300');
    expect([...writesPerObject(standin.state.storage, BUCKET).values()].every((n) => n === 1)).toBe(true);
    expect(standin.unhandled).toEqual([]);

    standin.calls.clear();
    const again = await publishSite({ input, today: TODAY, target: await target() });
    expect(again).toMatchObject({ unchanged: true, written: [] });
    // Nothing but reading the manifest.
    expect(standin.calls.byRoute()).toEqual({ 'storage.objects.get.media': 1 });
  }, 60_000);

  it('under faults (refused, rate-limited, answer lost after the write), no object is missing and none is written twice', async () => {
    standin.faults.push(
      { match: 'storage.objects.insert', status: 503, times: 2 },
      { match: 'storage.objects.insert', status: 429, times: 1 },
      { match: 'storage.objects.insert', status: 500, after: true, times: 2 },
      { match: 'storage.objects.list', status: 503, times: 1 },
    );
    await publishSite({ input, today: TODAY, target: await target() });
    expect(standin.faults.every((f) => f.times === 0)).toBe(true);
    expectBucketToHold(await expected());
    const writes = writesPerObject(standin.state.storage, BUCKET);
    expect([...writes].filter(([, n]) => n !== 1)).toEqual([]);
    // The writes whose answers were lost were retried and refused by their precondition (412).
    expect(standin.calls.list.filter((c) => c.route === 'storage.objects.insert' && c.status === 412).length).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('killed at any step and run again until done: every object once, and the manifest last', async () => {
    const want = await expected();
    const steps = want.size + 1; // one put per file, then the manifest
    // Each run dies a little further on, measured in steps of that run (each run skips what is there).
    for (const k of [0, 3, 1, 40, 7, steps]) {
      await publishSite({ input, today: TODAY, target: await target(), checkpoint: killAt(k) }).catch((e: unknown) => {
        if (!(e instanceof Killed)) throw e;
      });
      if (k < steps) expect(objects().has(MANIFEST_NAME) ? 'manifest' : 'none', `after kill at ${k}`).toBe('none');
    }
    const last = await publishSite({ input, today: TODAY, target: await target() });
    expect(last.unchanged).toBe(true);
    expectBucketToHold(want);
    expect([...writesPerObject(standin.state.storage, BUCKET)].filter(([n, c]) => n !== MANIFEST_NAME && c !== 1)).toEqual([]);
  }, 60_000);

  it('a meeting that is gone leaves no stale object behind, even when the run that removes it is killed midway', async () => {
    await publishSite({ input, today: TODAY, target: await target() });
    const fewer: PortalInput = { ...input, meetings: input.meetings.filter((m) => m.view.id !== 'CF-2022-03-24') };
    const want = await expected(fewer);
    await publishSite({ input: fewer, today: TODAY, target: await target(), checkpoint: killAt(5) }).catch((e: unknown) => {
      if (!(e instanceof Killed)) throw e;
    });
    const done = await publishSite({ input: fewer, today: TODAY, target: await target() });
    expect(done.removed.length).toBeGreaterThan(5);
    expectBucketToHold(want);
    expect(siteObjects().some((n) => n.includes('cf-2022-03-24'))).toBe(false);
  }, 60_000);

  it('a missing bucket is a Danish message that says what to do', async () => {
    standin.state.storage.buckets.delete(BUCKET);
    await expect(publishSite({ input, today: TODAY, target: await target() })).rejects.toThrow(/Cloud Storage-bucketten "albertslund-dagsordener".*findes ikke\. Opret den/);
  });
});

describe('dagsorden publish with Hjemmeside-bucket, killed with SIGKILL', () => {
  /** The built CLI, without blocking this process (which hosts the stand-in). Exit code, or null when killed. */
  function cli(workbook: string, out: string, crashAt?: number): Promise<number | null> {
    const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'cli.js'), 'publish', '--workbook', workbook, '--out', out, '--now', '2022-04-10T12:00'], {
      env: { ...process.env, ...env(), DAGSORDEN_SOFFICE: '/ingen/libreoffice', DAGSORDEN_MAIL: 'outbox', ...(crashAt !== undefined ? { DAGSORDEN_CRASH_AT: String(crashAt) } : {}) },
      stdio: 'ignore',
    });
    return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? null : -1))));
  }

  it('is continued by the next run: the bucket ends complete, every object written once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dagsorden-bucket-kill-'));
    const wb = portalWorkbook();
    wb.settings.push({ Nøgle: 'Hjemmeside-bucket', Værdi: BUCKET });
    const workbook = await writeTestWorkbook(wb, dir);
    const out = join(dir, 'out');
    // Each run is killed a little further on (in steps of that run: the run's own first, then one per
    // file of the site), until one gets to the end. Some kills land inside the site's upload.
    let kills = 0;
    let midUpload = 0;
    for (let k = 4; kills < 40; k += 9) {
      const code = await cli(workbook, out, k);
      if (code === 0) break;
      expect(code).toBe(null);
      kills++;
      if (objects().size > 0 && !objects().has(MANIFEST_NAME)) midUpload++;
    }
    expect(midUpload).toBeGreaterThanOrEqual(2);
    expect(await cli(workbook, out)).toBe(0);
    expect(objects().has(MANIFEST_NAME)).toBe(true);
    const writes = writesPerObject(standin.state.storage, BUCKET);
    expect([...writes].filter(([n, c]) => n !== MANIFEST_NAME && c !== 1)).toEqual([]);
    // Every object holds what its hash says, and the site is whole.
    for (const [name, o] of objects()) if (name !== MANIFEST_NAME) expect(createHash('sha256').update(o.data).digest('hex'), name).toBe(o.metadata?.sha256);
    for (const page of ['index.html', 'moeder/cf-2022-03-24/index.html', 'sager/00.30.00-p00-5-21/feed.atom', 'pagefind/pagefind-entry.json']) expect(objects().has(page), page).toBe(true);
    expect(await cli(workbook, out)).toBe(0);
    expect(writesPerObject(standin.state.storage, BUCKET).get('index.html')).toBe(1);
  }, 180_000);
});
