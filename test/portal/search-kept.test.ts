// What the last complete run stored is trusted only as far as it still holds. The search index is
// built again only when searchable text changed: otherwise the index files the last complete run
// stored stay, unless they are no longer stored as it wrote them. A run killed midway
// leaves nothing that a later run takes for finished. Either way the folder ends holding exactly the
// site built from scratch.

import { mkdtemp, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { LogEntry } from '../../src/delivery/ports.js';
import { bundledTemplateSync } from '../../src/documents/template.js';
import type { WorkbookModel } from '../../src/model.js';
import { selectPortalInput, type PortalInput } from '../../src/portal/input.js';
import { buildFullSite, publishSite } from '../../src/portal/site-sync.js';
import { folderTarget } from '../../src/local/site-folder.js';
import { sha256 } from '../../src/portal/target.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { readAndValidate } from '../../src/validate/index.js';
import { parseRichText } from '../../src/validate/richtext.js';
import { xlsxSource } from '../../src/local/xlsx.js';

const TODAY = '2022-11-09';
let model: WorkbookModel;

beforeAll(async () => {
  model = (await readAndValidate(xlsxSource(BUNDLED_WORKBOOK))).model;
});

/** Every meeting's public agenda (and minutes, when ready) published as Drive links; `linkTag` changes the links. */
function inputOf(m: WorkbookModel, linkTag: string): PortalInput {
  const log: LogEntry[] = m.meetings.flatMap((meeting) =>
    (meeting.status === 'Referat klar' ? ['Dagsorden', 'Referat'] : ['Dagsorden']).map((document) => ({
      at: `${meeting.date}T10:00:00.000Z`,
      meetingId: meeting.id,
      action: 'upload' as const,
      document,
      edition: 'offentlig',
      format: 'pdf',
      version: '1',
      hash: 'x',
      link: `https://drive.google.com/file/d/${meeting.id}-${document}-${linkTag}/view`,
      status: 'udført' as const,
    })),
  );
  return selectPortalInput({ model: m, log, problems: [], template: bundledTemplateSync() }).input;
}

async function expectFolderToHoldFullSite(dir: string, input: PortalInput): Promise<void> {
  const want = await buildFullSite(input, TODAY);
  for (const [name, file] of want) expect(sha256(await readFile(join(dir, name))), name).toBe(sha256(file.body));
}

it('keeps the stored index when no searchable text changed, and builds it again when it did or when a stored index file changed', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'dagsorden-search-kept-')), 'site');
  const target = folderTarget(dir);
  const first = await publishSite({ input: inputOf(model, 'a'), today: TODAY, target });
  expect(first.written.some((n) => n.startsWith('pagefind/'))).toBe(true);

  // Only the documents' links changed: pages change, the items' searchable text does not.
  const relinked = inputOf(model, 'b');
  const second = await publishSite({ input: relinked, today: TODAY, target });
  expect(second.unchanged).toBe(false);
  expect(second.written.length).toBeGreaterThan(0);
  expect(second.written.filter((n) => n.startsWith('pagefind/'))).toEqual([]);
  await expectFolderToHoldFullSite(dir, relinked);

  // A stored index file no longer as written (a hand edit, a killed run): the index is built again.
  await writeFile(join(dir, 'pagefind', 'pagefind-entry.json'), '{}');
  const third = await publishSite({ input: inputOf(model, 'c'), today: TODAY, target });
  expect(third.written).toContain('pagefind/pagefind-entry.json');
  await expectFolderToHoldFullSite(dir, inputOf(model, 'c'));

  // An open item's text changed: the index is built again and finds the new text.
  const meeting = model.meetings.find((m) => m.id === 'CF-2022-03-24')!;
  const edited: WorkbookModel = {
    ...model,
    meetings: model.meetings.map((m) => (m !== meeting ? m : { ...m, items: m.items.map((it, i) => (i === 0 ? { ...it, presentation: parseRichText('Ny sagsfremstilling om vandløbsregulativer.') } : it)) })),
  };
  const fourth = await publishSite({ input: inputOf(edited, 'c'), today: TODAY, target });
  expect(fourth.written.some((n) => n.startsWith('pagefind/fragment/'))).toBe(true);
  await expectFolderToHoldFullSite(dir, inputOf(edited, 'c'));
}, 120_000);

it('a run killed midway is not taken for finished: back at the earlier input, the next run restores the earlier site', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'dagsorden-site-killed-')), 'site');
  const target = folderTarget(dir);
  const before = inputOf(model, 'a');
  await publishSite({ input: before, today: TODAY, target });
  // The next run, with new links, is killed after some of its writes.
  let steps = 0;
  const killed = await publishSite({
    input: inputOf(model, 'b'),
    today: TODAY,
    target,
    checkpoint: () => {
      if (++steps > 5) throw new Error('killed');
    },
  }).catch((e: unknown) => e);
  expect(killed).toEqual(new Error('killed'));
  // The secretary undoes the change: the input is the one the finished run was built from.
  const after = await publishSite({ input: before, today: TODAY, target });
  expect(after.unchanged).toBe(false);
  expect(after.written.length).toBeGreaterThan(0);
  await expectFolderToHoldFullSite(dir, before);
}, 120_000);

it('a stored file changed by hand is found and written again, even with its size and time as before', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'dagsorden-site-edited-')), 'site');
  const target = folderTarget(dir);
  await publishSite({ input: inputOf(model, 'a'), today: TODAY, target });
  const page = join(dir, 'moeder', 'cf-2022-03-24', 'punkt-2', 'index.html');
  const before = await stat(page);
  const text = await readFile(page, 'utf8');
  await writeFile(page, text.replace('Lækrogen', 'Lækrogxn'));
  await utimes(page, before.atime, before.mtime);
  expect((await stat(page)).size).toBe(before.size);
  // A run that compares (the links changed), with a fresh target as the next scheduled run has.
  const next = await publishSite({ input: inputOf(model, 'b'), today: TODAY, target: folderTarget(dir) });
  expect(next.written).toContain('moeder/cf-2022-03-24/punkt-2/index.html');
  await expectFolderToHoldFullSite(dir, inputOf(model, 'b'));
  // What the folder recorded of its files, unreadable: every file is read again, nothing is lost.
  await writeFile(join(dir, '.dagsorden', 'site-files.json'), '{ ikke json');
  await writeFile(page, text.replace('Lækrogen', 'Lækrogxn'));
  await publishSite({ input: inputOf(model, 'c'), today: TODAY, target: folderTarget(dir) });
  await expectFolderToHoldFullSite(dir, inputOf(model, 'c'));
}, 120_000);
