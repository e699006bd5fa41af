// Sixty-odd broken workbooks through the publish job: each publishes nothing for what its problems
// affect, lists the problems where the secretary sees them, and leaves her workbook untouched. Each is
// read in memory; the few marked `throughXlsx` also from a real .xlsx file, hashed before and after.

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { ITEMS_TAB } from '../../sheets-schema/schema.js';
import { localDocumentStore } from '../../src/local/documents.js';
import { localStateStore } from '../../src/local/state.js';
import { loadMailTemplate, type MailTemplate } from '../../src/delivery/mail/mail-template.js';
import { createComposer } from '../../src/publish/composer.js';
import type { Validated } from '../../src/model.js';
import { runPublish } from '../../src/publish/run.js';
import { readAndValidate, validateWorkbook } from '../../src/validate/index.js';
import { wallClock } from '../../src/local/xlsx-write.js';
import { xlsxSource } from '../../src/local/xlsx.js';
import { cases as validationCases, item, meeting } from '../helpers/bad-cases.js';
import { instantRenderer, recordingTransport } from '../helpers/fakes.js';
import { baseline, rawTestWorkbook, time, writeTestWorkbook, type TestWorkbook } from '../helpers/workbook.js';

interface BrokenCase {
  name: string;
  change: (wb: TestWorkbook) => void;
  /** Also read from a real .xlsx file (see bad-cases.ts). */
  throughXlsx?: true;
}

const structural: BrokenCase[] = [
  { name: 'Møder tab missing', change: (wb) => (wb.tabNames = { Møder: null }) },
  { name: 'Punkter tab renamed', change: (wb) => (wb.tabNames = { Punkter: 'Dagsordenspunkter' }), throughXlsx: true },
  { name: 'Medlemmer tab missing', change: (wb) => (wb.tabNames = { Medlemmer: null }) },
  { name: 'Indstillinger tab missing', change: (wb) => (wb.tabNames = { Indstillinger: null }) },
  { name: 'every tab missing', change: (wb) => (wb.tabNames = { Møder: null, Punkter: null, Medlemmer: null, Indstillinger: null }) },
  { name: 'Punkter header row blank', change: (wb) => (wb.headers = { Punkter: ITEMS_TAB.columns.map(() => '') }) },
  { name: 'header renamed beyond recognition', change: (wb) => (wb.headers = { Punkter: ITEMS_TAB.columns.map((c) => (c.header === 'Sagsnr.' ? 'Journalnummer' : c.header)) }) },
  { name: 'header in lower case', change: (wb) => (wb.headers = { Punkter: ITEMS_TAB.columns.map((c) => (c.header === 'Titel' ? 'titel' : c.header)) }) },
  { name: 'titles merged over two rows', change: (wb) => (wb.merges = { Punkter: ['D2:D3'] }) },
  { name: 'meeting cells merged over two meetings', change: (wb) => { wb.meetings.push({ ...meeting(wb), 'Møde-id': 'CF-2022-03-25' }); wb.merges = { Møder: ['C2:C3'] }; } },
  { name: 'formula with an error result', change: (wb) => (item(wb, 1)['Sagsnr.'] = { formula: 'VLOOKUP(A2,X!A:B,2,0)', result: { error: '#N/A' } }) },
  { name: 'formula without a computed value', change: (wb) => (item(wb, 1).Titel = { formula: 'CONCAT(B2)' }) },
  { name: '#DIV/0! in a time', change: (wb) => (meeting(wb).Start = { error: '#DIV/0!' }) },
  { name: 'a cell of 60,000 characters', change: (wb) => (item(wb, 2).Sagsfremstilling = 'Lang tekst. '.repeat(5000)) },
  { name: 'an item number of a billion', change: (wb) => (item(wb, 2).Nr = 1_000_000_000) },
  { name: 'a time-only value in Dato', change: (wb) => (meeting(wb).Dato = 0.375) },
  { name: 'yes/no in Dato', change: (wb) => (meeting(wb).Dato = true) },
  { name: 'invalid sender', change: (wb) => wb.settings.splice(1, 1, { Nøgle: 'Afsender', Værdi: 'Sekretariatet <chefforum>' }) },
  { name: 'two thousand items, one of them broken', change: (wb) => { for (let n = 3; n <= 2000; n++) wb.items.push({ ...item(wb, 2), Nr: n, Tidsrum: null }); wb.items[1999]!['Sagsnr.'] = 'x'; } },
  { name: 'items for a meeting that was deleted', change: (wb) => (wb.meetings = []) },
];

const allCases: BrokenCase[] = [...validationCases.map((c) => ({ ...c, name: `validation: ${c.name}` })), ...structural.map((c) => ({ ...c, name: `structure: ${c.name}` }))];

const HEALTHY = 'CF-2022-03-10';
let template: MailTemplate;
beforeAll(async () => {
  template = await loadMailTemplate();
});

const sha = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

describe('broken workbooks through publish', () => {
  it('there are at least 60 distinct cases', () => {
    expect(new Set(allCases.map((c) => c.name)).size).toBe(allCases.length);
    expect(allCases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(allCases)('$name', async ({ change }) => {
    await publishBroken(change, 'memory');
  });
});

describe('broken workbooks through publish, read from a real .xlsx file', () => {
  const throughXlsx = allCases.filter((c) => c.throughXlsx);

  it('covers a handful of cases', () => expect(throughXlsx.length).toBeGreaterThanOrEqual(5));

  it.each(throughXlsx)('$name', async ({ change }) => {
    await publishBroken(change, 'xlsx');
  });
});

/** The workbook read as validation sees it, and a check that nothing changed it. */
async function readBroken(wb: TestWorkbook, dir: string, via: 'memory' | 'xlsx'): Promise<Validated & { untouched: () => Promise<void> }> {
  if (via === 'xlsx') {
    const path = await writeTestWorkbook(wb, dir);
    const before = await sha(path);
    return { ...(await readAndValidate(xlsxSource(path))), untouched: async () => expect(await sha(path)).toBe(before) };
  }
  const raw = rawTestWorkbook(wb);
  const before = structuredClone(raw);
  return { ...validateWorkbook(raw), untouched: async () => expect(raw).toEqual(before) };
}

async function publishBroken(change: BrokenCase['change'], via: 'memory' | 'xlsx'): Promise<void> {
  const wb = baseline();
  change(wb);
  // A healthy meeting beside the broken one: it goes out unless the problem reaches it.
  wb.meetings.push({ 'Møde-id': HEALTHY, Forum: 'Chefforum', Dato: wallClock('2022-03-10'), Start: time('09:00'), Mødested: 'Teams', Status: 'Dagsorden klar', 'Udsend dagsorden': wallClock('2022-03-03', '12:00') });
  wb.items.push({ 'Møde-id': HEALTHY, Nr: 1, Titel: 'Status', 'Sagsnr.': '00.01.00-A21-2-21' });
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-broken-'));
  const out = join(dir, 'out');

  const { model, problems, untouched } = await readBroken(wb, dir, via);
  expect(problems.length).toBeGreaterThan(0);
  const transport = recordingTransport(true);
  await runPublish(
    { model, problems, now: DateTime.fromISO('2022-03-05T10:00', { zone: 'Europe/Copenhagen' }) },
    { documents: localDocumentStore(out), state: localStateStore(out), mail: transport, renderer: instantRenderer(), composer: createComposer(model.settings.sender ? model.settings : { ...model.settings, sender: 'Test <t@example.org>' }, template) },
  );

  const scopes = problems.map((p) => p.scope);
  const workbookBroken = scopes.some((s) => s.kind === 'workbook');
  const sendingBroken = scopes.some((s) => s.kind !== 'meeting');
  const published = await readdir(out).then((names) => names.filter((n) => n.startsWith('CF-')));
  // Nothing for a meeting with problems, nor anything at all when a tab or column is broken.
  for (const s of scopes) if (s.kind === 'meeting') expect(published).not.toContain(s.meetingId);
  if (workbookBroken) expect(published).toEqual([]);
  // Only the healthy meeting's mail, and none at all when members or settings are in doubt.
  const mailed = new Set(transport.delivered.map((m) => m.subject));
  if (sendingBroken) expect(transport.delivered).toEqual([]);
  else expect([...mailed].every((s) => s.includes('10. marts 2022'))).toBe(true);
  const healthyHeldBack = scopes.some((s) => s.kind === 'meeting' && s.meetingId === HEALTHY);
  if (!workbookBroken && !sendingBroken && !healthyHeldBack && model.meetings.some((m) => m.id === HEALTHY)) expect(published).toContain(HEALTHY);
  // An item that belongs to no known meeting might belong to any: no meeting is sent.
  if (scopes.some((s) => s.kind === 'unassigned')) expect(transport.delivered).toEqual([]);
  // The problems are where the secretary sees them, each with its cell.
  const listed = await readFile(join(out, 'Validering.txt'), 'utf8');
  for (const p of problems) expect(listed).toContain(`${p.cell ? `${p.tab}!${p.cell}` : p.tab}\t${p.message}`);
  // Her workbook is untouched.
  await untouched();
}
