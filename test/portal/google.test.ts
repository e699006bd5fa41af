// `dagsorden publish --sheet` with `Hjemmeside-bucket`: the site goes to the bucket, built from the
// public edition with Drive links to the public documents, and each meeting's row in the Sheet gets
// its page address in the script's own column. Without a bucket, a Google run says what to do.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runPublish } from '../../src/commands/publish.js';
import { writeTestWorkbook } from '../helpers/workbook.js';
import { createBucket, loadXlsx, sheetOf, startStandin, valuesOf, type Standin } from '../standin/index.js';
import { MARKER, portalWorkbook } from './workbook-fixture.js';

let standin: Standin;
const BUCKET = 'albertslund-dagsordener';
const env = (): NodeJS.ProcessEnv => ({
  DAGSORDEN_GOOGLE_ROOT_URL: standin.url,
  DAGSORDEN_GOOGLE_ACCESS_TOKEN: 'test-token',
  DAGSORDEN_MAIL: 'gmail',
  DAGSORDEN_SOFFICE: '/ingen/libreoffice',
  DAGSORDEN_GOOGLE_TIMEOUT_MS: '2000',
});

async function publish(sheet: string): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const out = await mkdtemp(join(tmpdir(), 'dagsorden-portal-google-'));
  const code = await runPublish({ sheet, now: '2022-04-10T12:00', out }, { out: (s) => lines.push(s), err: (s) => lines.push(s), env: env(), isTTY: true });
  return { code, lines };
}

beforeAll(async () => {
  standin = await startStandin();
});
afterAll(() => standin.close());

it('puts the site in the bucket, links the Drive documents, and writes each page address into Møder', async () => {
  createBucket(standin.state.storage, BUCKET);
  const wb = portalWorkbook();
  wb.settings.push({ Nøgle: 'Hjemmeside-bucket', Værdi: BUCKET });
  await loadXlsx(standin, await writeTestWorkbook(wb), { id: 'portal-sheet' });
  const run = await publish('portal-sheet');
  expect(run.code, run.lines.join('\n')).toBe(0);
  expect(run.lines.at(-1)).toMatch(/^Hjemmesiden er opdateret i Cloud Storage-bucketten albertslund-dagsordener: \d+ filer skrevet, 0 fjernet/);

  const objects = standin.state.storage.buckets.get(BUCKET)!;
  const meeting = objects.get('moeder/cf-2022-03-24/index.html')!.data.toString('utf8');
  // On Drive, the public edition's documents are linked where they are, not copied.
  expect(meeting).toMatch(/href="https:\/\/drive\.google\.com\/[^"]+">Referat \(offentlig udgave\) som Word/);
  expect([...objects.keys()].some((n) => n.endsWith('.docx'))).toBe(false);
  for (const [name, o] of objects) expect(o.data.toString('latin1').toLowerCase().includes(MARKER), name).toBe(false);

  const rows = valuesOf(sheetOf(standin, 'portal-sheet', 'Møder'));
  const header = rows[0]!.map(String);
  const col = header.indexOf('Hjemmeside');
  expect(col).toBeGreaterThan(0);
  const byId = new Map(rows.slice(1).map((r) => [String(r[0]), String(r[col] ?? '')]));
  expect(byId.get('CF-2022-03-24')).toBe('https://dagsordener.example.org/politik/moeder/cf-2022-03-24/');
  expect(byId.get('CF-2022-06-01')).toBe('https://dagsordener.example.org/politik/moeder/cf-2022-06-01/');

  // Run again: nothing to publish, the site unchanged, nothing uploaded.
  const writes = standin.state.storage.writes.length;
  const again = await publish('portal-sheet');
  expect(again.lines.at(-1)).toBe('Hjemmesiden er uændret (Cloud Storage-bucketten albertslund-dagsordener).');
  expect(standin.state.storage.writes.length).toBe(writes);
}, 60_000);

it('without Hjemmeside-bucket a Google run builds no site and says how to get one', async () => {
  await loadXlsx(standin, await writeTestWorkbook(portalWorkbook()), { id: 'no-bucket-sheet' });
  const run = await publish('no-bucket-sheet');
  expect(run.code).toBe(0);
  expect(run.lines.at(-1)).toBe('Hjemmesiden er ikke opdateret: Indstillinger → Hjemmeside-bucket er tom. Skriv navnet på en Cloud Storage-bucket dér, eller brug --site MAPPE.');
});
