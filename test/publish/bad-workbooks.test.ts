// Sixty-odd broken workbooks through the publish job: each publishes nothing for what its problems
// affect, lists the problems where the secretary sees them, and leaves her workbook untouched.

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { ITEMS_TAB } from '../../sheets-schema/schema.js';
import { localDocumentStore } from '../../src/local/documents.js';
import { localStateStore } from '../../src/local/state.js';
import { loadMailTemplate, type MailTemplate } from '../../src/delivery/mail/template.js';
import { createComposer } from '../../src/publish/compose.js';
import { runPublish } from '../../src/publish/run.js';
import { readAndValidate } from '../../src/validate/index.js';
import { wallClock } from '../../src/local/xlsx-write.js';
import { xlsxSource } from '../../src/local/xlsx.js';
import { cases as validationCases, item, meeting } from '../helpers/bad-cases.js';
import { instantRenderer, recordingTransport } from '../helpers/fakes.js';
import { baseline, time, writeTestWorkbook, type TestWorkbook } from '../helpers/workbook.js';

interface BrokenCase {
  name: string;
  change: (wb: TestWorkbook) => void;
}

const structural: BrokenCase[] = [
  { name: 'Møder tab missing', change: (wb) => (wb.tabNames = { Møder: null }) },
  { name: 'Punkter tab renamed', change: (wb) => (wb.tabNames = { Punkter: 'Dagsordenspunkter' }) },
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

const allCases: BrokenCase[] = [...validationCases.map((c) => ({ name: `validation: ${c.name}`, change: c.change })), ...structural.map((c) => ({ name: `structure: ${c.name}`, change: c.change }))];

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
    const wb = baseline();
    change(wb);
    // A healthy meeting beside the broken one: it goes out unless the problem reaches it.
    wb.meetings.push({ 'Møde-id': HEALTHY, Forum: 'Chefforum', Dato: wallClock('2022-03-10'), Start: time('09:00'), Mødested: 'Teams', Status: 'Dagsorden klar', 'Udsend dagsorden': wallClock('2022-03-03', '12:00') });
    wb.items.push({ 'Møde-id': HEALTHY, Nr: 1, Titel: 'Status', 'Sagsnr.': '00.01.00-A21-2-21' });
    const dir = await mkdtemp(join(tmpdir(), 'dagsorden-broken-'));
    const path = await writeTestWorkbook(wb, dir);
    const before = await sha(path);
    const out = join(dir, 'out');

    const { model, problems } = await readAndValidate(xlsxSource(path));
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
    expect(await sha(path)).toBe(before);
  });
});
