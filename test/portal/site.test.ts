// The public site as `dagsorden publish` builds it from a workbook with two fora, a case across
// meetings and fora, and closed items with a marker in every cell: nothing of a closed item anywhere
// in the site (search index included), the formats parse back with independent libraries, and a
// second run rewrites only what changed.

import { documentFileName } from '../../src/documents/files.js';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { richTextHtml } from '../../src/portal/markdown-html.js';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import ical from 'node-ical';
import { beforeAll, describe, expect, it } from 'vitest';
import { ITEMS_TAB } from '../../sheets-schema/schema.js';
import { writeTestWorkbook } from '../helpers/workbook.js';
import { listFiles, publish, readAll, siteEvent, textsOf } from './helpers.js';
import { AGENDA_ITEM, CONSULTATION, FILE, LIST, SCHEMAS } from './oparl-schema.js';
import { closedItem, MARKER, portalWorkbook } from './workbook-fixture.js';

const BASE = 'https://dagsordener.example.org/politik/';
const NOW = '2022-04-10T12:00';
let out: string;
let site: string;
let workbook: string;
let firstRun: ReturnType<typeof siteEvent>;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-portal-'));
  out = join(dir, 'out');
  site = join(out, 'site');
  workbook = await writeTestWorkbook(portalWorkbook(), dir);
  const run = await publish(workbook, out, NOW);
  expect(run.code, run.lines.join('\n')).toBe(0);
  firstRun = siteEvent(run);
}, 60_000);

const read = (name: string) => readFile(join(site, name), 'utf8');

describe('no leaks', () => {
  it('the fixture has the marker in every cell a closed item can have', () => {
    const cells = closedItem('X', 1);
    // Cells that cannot carry free text (number, case number, yes/no, time slot) aside, all are filled.
    const free = ITEMS_TAB.columns.filter((c) => !['Møde-id', 'Nr', 'Sagsnr.', 'Lukket', 'Indstilling først', 'Tidsrum'].includes(c.header));
    for (const c of free) expect(String(cells[c.header]), c.header).toContain(MARKER);
  });

  it('no file of the site holds anything of a closed item, nor the secretary\'s remark, nor an unpublished agenda', async () => {
    const files = await readAll(site);
    expect(files.size).toBeGreaterThan(50);
    expect([...files.keys()].some((f) => f.startsWith('pagefind/fragment/'))).toBe(true);
    const hits: string[] = [];
    for (const [name, texts] of files) {
      for (const t of texts) {
        const lower = t.toLowerCase();
        if (lower.includes(MARKER)) hits.push(`${name}: ${MARKER}`);
        if (t.includes('Sommerplanlægning hemmelig')) hits.push(`${name}: unpublished agenda`);
        if (t.includes('Intern bemærkning')) hits.push(`${name}: remark`);
      }
    }
    expect(hits).toEqual([]);
  });

  it('the same scan finds the marker in the members\' edition and open text in the search index (the test can fail)', async () => {
    const membersName = documentFileName({ forum: 'Chefforum', date: '2022-03-24' }, 'referat', 'medlemmer', 'docx');
    const members = textsOf(membersName, await readFile(join(out, 'CF-2022-03-24', membersName)));
    expect(members.some((t) => t.includes(`${MARKER}05`))).toBe(true);
    const files = await readAll(site);
    const fragments = [...files].filter(([n]) => n.startsWith('pagefind/fragment/')).flatMap(([, t]) => t);
    expect(fragments.some((t) => t.includes('cykelstier'))).toBe(true);
  });

  it('a closed item shows as "Punkt N: Lukket" and its case number, nothing else', async () => {
    const html = await read('moeder/cf-2022-03-24/index.html');
    expect(html).toContain('<h2 id="punkt-3">Punkt 3: Lukket</h2>');
    expect(html).toContain('81.00.00-G01-1-22');
    const item = await read('moeder/cf-2022-03-24/punkt-3/index.html');
    expect(item).toContain('Punkt 3: Lukket');
    expect(item).not.toContain('data-pagefind-body');
  });

  it('raw HTML in a cell does not reach the page', async () => {
    const html = await read('moeder/cf-2022-03-24/punkt-2/index.html');
    expect(html).toContain('<table>');
    expect(html).toContain('<strong>rammerne</strong>');
    expect(html).not.toMatch(/<script>alert/i);
  });

  it('a javascript: link is never a link on the page, even in a tree that validation did not clean', () => {
    // NOTE: validation already turns such a link into text (and reports it); the sanitizer is the second wall.
    const tree = unified().use(remarkParse).parse('[farlig](javascript:alert(1)) og [god](https://example.org)');
    const html = richTextHtml(tree);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).toContain('href="https://example.org"');
  });
});

describe('pages', () => {
  it('per forum, per meeting (with anchors and documents), per item and per case, at stable addresses', async () => {
    const files = await listFiles(site);
    for (const f of [
      'index.html',
      'fora/chefforum/index.html',
      'fora/direktionens-forum/index.html',
      'moeder/cf-2022-03-24/index.html',
      'moeder/cf-2022-03-24/punkt-1/index.html',
      'moeder/cf-2022-03-24/referat.docx',
      'moeder/dif-2022-04-05/punkt-1/index.html',
      'sager/00.30.00-p00-5-21/index.html',
      'sager/00.30.00-p00-5-21/feed.atom',
      'fora/chefforum/moeder.ics',
      'soeg/index.html',
      'oparl/system.json',
    ])
      expect(files, f).toContain(f);
    // A meeting whose agenda is not yet out has a page with date and place, and no items.
    expect(files).toContain('moeder/cf-2022-06-01/index.html');
    expect(files.some((f) => f.startsWith('moeder/cf-2022-06-01/punkt-'))).toBe(false);
    const forum = await read('fora/chefforum/index.html');
    expect(forum).toMatch(/Kommende møder[\s\S]*21\. april 2022[\s\S]*1\. juni 2022[\s\S]*Tidligere møder[\s\S]*<h3>2022<\/h3>[\s\S]*24\. marts 2022/);
    expect(forum).toContain('href="webcal://dagsordener.example.org/politik/fora/chefforum/moeder.ics"');
    const meeting = await read('moeder/cf-2022-03-24/index.html');
    expect(meeting).toContain('<h1>Referat Chefforum 24-03-2022</h1>');
    expect(meeting).toContain('href="#punkt-2"');
    expect(meeting).toContain('href="referat.docx"');
    expect(meeting).toContain('Chefforum tog orienteringen til efterretning.');
    // The agenda of 21 April is out, so its page has no decisions section.
    expect(await read('moeder/cf-2022-04-21/index.html')).not.toContain('Beslutning');
  });

  it('a case page lists every item of the case across meetings and fora, newest first', async () => {
    const html = await read('sager/00.30.00-p00-5-21/index.html');
    const order = ['Budgetproces 2023, opfølgning', 'Budgetproces 2023 i direktionen', 'Budgetproces 2023 (9.20-10.00)'].map((t) => html.indexOf(t));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('each meeting row gets its public page address written back', async () => {
    const status = JSON.parse(await readFile(join(out, 'status.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(status['CF-2022-03-24']?.Hjemmeside).toBe(`${BASE}moeder/cf-2022-03-24/`);
    expect(status['DIF-2022-04-05']?.Hjemmeside).toBe(`${BASE}moeder/dif-2022-04-05/`);
    // The run's own columns are still there.
    expect(status['CF-2022-03-24']?.Referat?.endsWith(documentFileName({ forum: 'Chefforum', date: '2022-03-24' }, 'referat', 'medlemmer', 'docx'))).toBe(true);
  });
});

describe('formats parse back', () => {
  it('Atom feeds, per forum and per case', async () => {
    const forum = parseFeed(await read('fora/chefforum/feed.atom'));
    expect(forum.title).toBe('Chefforum: dagsordener og referater');
    const titles = forum.items.map((i) => i.title);
    expect(titles).toContain('Referat Chefforum 24-03-2022');
    expect(titles).toContain('Dagsorden Chefforum 21-04-2022');
    for (const i of forum.items) expect(i.url).toMatch(new RegExp(`^${BASE}moeder/`));
    const kase = parseFeed(await read('sager/00.30.00-p00-5-21/feed.atom'));
    expect(kase.items.map((i) => i.url)).toEqual([`${BASE}moeder/cf-2022-04-21/punkt-1/`, `${BASE}moeder/dif-2022-04-05/punkt-1/`, `${BASE}moeder/cf-2022-03-24/punkt-2/`]);
    const closed = parseFeed(await read('sager/81.00.00-g01-1-22/feed.atom'));
    expect(closed.items.map((i) => i.title)).toEqual(['Punkt 2: Lukket (Chefforum 21-04-2022)', 'Punkt 3: Lukket (Chefforum 24-03-2022)']);
  });

  it('the iCalendar feed of each forum, with local times and one UID per meeting', async () => {
    const cal = ical.sync.parseICS(await read('fora/chefforum/moeder.ics'));
    const events = Object.values(cal).flatMap((c) => (c?.type === 'VEVENT' ? [c] : []));
    expect(events).toHaveLength(3);
    const first = events.find((e) => e.uid === 'CF-2022-03-24@dagsordener.example.org');
    expect(first?.start.toISOString()).toBe('2022-03-24T08:00:00.000Z');
    expect(first?.location).toBe('Mødelokale 1');
  });

  it('OParl 1.1: every object validates, ids are absolute under Hjemmeside-adresse and name their own file', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    for (const s of [FILE, AGENDA_ITEM, CONSULTATION]) ajv.addSchema(s);
    for (const s of SCHEMAS.filter((s) => ![FILE, AGENDA_ITEM, CONSULTATION].includes(s))) ajv.addSchema(s);
    ajv.addSchema(LIST);
    const files = (await listFiles(site)).filter((f) => f.startsWith('oparl/'));
    expect(files.length).toBeGreaterThan(20);
    const types = new Set<string>();
    for (const f of files) {
      const obj = JSON.parse(await read(f)) as { id?: string; type: string; data?: { type: string }[] };
      const isList = Array.isArray(obj.data);
      const validate = ajv.getSchema(isList ? `https://schema.oparl.org/1.1/_list` : obj.type)!;
      expect(validate, `${f}: type ${obj.type}`).toBeDefined();
      expect(validate(obj), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
      for (const item of isList ? obj.data! : [obj]) {
        const v = ajv.getSchema(item.type)!;
        expect(v(item), `${f}: ${JSON.stringify(v.errors)}`).toBe(true);
        types.add(item.type.replace('https://schema.oparl.org/1.1/', ''));
      }
      if (!isList) expect(obj.id).toBe(`${BASE}${f}`);
    }
    expect([...types].sort()).toEqual(['AgendaItem', 'Body', 'File', 'Meeting', 'Organization', 'Paper', 'System']);
    const closed = JSON.parse(await read('oparl/agendaitem/cf-2022-03-24-3.json')) as Record<string, unknown>;
    expect(closed).toMatchObject({ name: 'Lukket', public: false, number: '3' });
  });
});

describe('incremental', () => {
  it('a run with nothing changed writes nothing; a change rewrites only what shows it; addresses stay', async () => {
    expect(firstRun.written).toBe(firstRun.total);
    const again = siteEvent(await publish(workbook, out, NOW));
    expect(again).toMatchObject({ unchanged: true, written: 0, removed: 0 });

    const untouched = await stat(join(site, 'moeder/cf-2022-03-24/punkt-1/index.html'));
    const wb = portalWorkbook();
    wb.items = wb.items.map((i) => (i['Møde-id'] === 'DIF-2022-04-05' ? { ...i, Anledning: 'Direktionen behandler budgettet og anlægsplanen.' } : i));
    const changedBook = await writeTestWorkbook(wb, await mkdtemp(join(tmpdir(), 'dagsorden-portal-wb-')));
    const changed = await publish(changedBook, out, NOW);
    const event = siteEvent(changed);
    expect(event.unchanged).toBe(false);
    expect(event.written).toBeGreaterThan(0);
    expect(event.written).toBeLessThan(firstRun.total / 3);
    expect(await read('moeder/dif-2022-04-05/punkt-1/index.html')).toContain('anlægsplanen');
    expect((await stat(join(site, 'moeder/cf-2022-03-24/punkt-1/index.html'))).mtimeMs).toBe(untouched.mtimeMs);
    const status = JSON.parse(await readFile(join(out, 'status.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(status['DIF-2022-04-05']?.Hjemmeside).toBe(`${BASE}moeder/dif-2022-04-05/`);
  }, 60_000);
});

describe('--site DIR', () => {
  it('writes the site to the folder given instead of out/site', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dagsorden-portal-sitedir-'));
    const run = await publish(workbook, join(dir, 'out'), NOW, { site: join(dir, 'www') });
    expect(siteEvent(run).written).toBeGreaterThan(50);
    expect(await listFiles(join(dir, 'www'))).toContain('moeder/cf-2022-03-24/index.html');
    await expect(stat(join(dir, 'out', 'site'))).rejects.toThrow();
  }, 60_000);
});

describe('held back and settings', () => {
  it('a meeting held back by a problem in its rows keeps the pages already published', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dagsorden-portal-held-'));
    const out2 = join(dir, 'out');
    const book = await writeTestWorkbook(portalWorkbook(), dir);
    expect((await publish(book, out2, NOW)).code).toBe(0);
    const before = await readFile(join(out2, 'site', 'moeder/cf-2022-03-24/index.html'), 'utf8');
    const wb = portalWorkbook();
    // A broken case number in one of its items holds the meeting back.
    wb.items = wb.items.map((i) => (i['Møde-id'] === 'CF-2022-03-24' && i.Nr === 1 ? { ...i, 'Sagsnr.': 'ikke et sagsnummer' } : i));
    const broken = await writeTestWorkbook(wb, await mkdtemp(join(tmpdir(), 'dagsorden-portal-held-wb-')));
    const run = await publish(broken, out2, NOW);
    expect(run.code).toBe(1);
    expect(await readFile(join(out2, 'site', 'moeder/cf-2022-03-24/index.html'), 'utf8')).toBe(before);
    expect(await stat(join(out2, 'site', 'moeder/cf-2022-03-24/punkt-1/index.html'))).toBeTruthy();
    const status = JSON.parse(await readFile(join(out2, 'status.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(status['CF-2022-03-24']?.Hjemmeside).toBe(`${BASE}moeder/cf-2022-03-24/`);
  }, 60_000);

  it('a problem in the settings or the workbook\'s structure leaves the whole site as it is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dagsorden-portal-settings-'));
    const out2 = join(dir, 'out');
    expect((await publish(await writeTestWorkbook(portalWorkbook(), dir), out2, NOW)).code).toBe(0);
    const before = await readAll(join(out2, 'site'));
    const wb = portalWorkbook();
    // A mistyped address would otherwise move every page's links and feeds to the default address.
    wb.settings = wb.settings.map((r) => (r.Nøgle === 'Hjemmeside-adresse' ? { ...r, Værdi: 'dagsordener.example.org' } : r));
    const run = await publish(await writeTestWorkbook(wb, await mkdtemp(join(tmpdir(), 'dagsorden-portal-settings-wb-'))), out2, NOW);
    expect(run.code).toBe(1);
    const line = run.lines.map((l) => (l.startsWith('{') ? (JSON.parse(l) as { event?: string; message?: string }) : {})).find((o) => o.event === 'site');
    expect(line?.message).toBe('Hjemmesiden er ikke opdateret: fejl i regnearkets faner, kolonner eller Indstillinger holder den tilbage. Ret fejlene (se Validering), så opdateres den ved næste kørsel.');
    expect(await readAll(join(out2, 'site'))).toEqual(before);
  }, 60_000);

  it('Hjemmeside-adresse and Hjemmeside-bucket are checked, with Danish messages at their cells', async () => {
    const { validateWorkbook } = await import('../../src/validate/index.js');
    const { xlsxSource } = await import('../../src/local/xlsx.js');
    const { TABS_TO_READ } = await import('../../src/validate/index.js');
    const wb = portalWorkbook();
    wb.settings = wb.settings.map((r) => (r.Nøgle === 'Hjemmeside-adresse' ? { ...r, Værdi: 'dagsordener.example.org' } : r));
    wb.settings.push({ Nøgle: 'Hjemmeside-bucket', Værdi: 'Min Bucket!' });
    const book = await writeTestWorkbook(wb);
    const { problems, model } = validateWorkbook(await xlsxSource(book).readWorkbook(TABS_TO_READ));
    expect(problems.map((p) => `${p.tab}!${p.cell} ${p.message}`)).toEqual([
      'Indstillinger!B4 Hjemmeside-adresse: "dagsordener.example.org" er ikke en webadresse. Skriv fx https://dagsordener.albertslund.dk/.',
      'Indstillinger!B5 Hjemmeside-bucket: "Min Bucket!" er ikke et bucket-navn. Skriv navnet, som det står i Google Cloud Console (små bogstaver, tal og -), fx albertslund-dagsordener.',
    ]);
    expect(model.settings.siteAddress).toBeUndefined();
    const ok = portalWorkbook();
    ok.settings = ok.settings.map((r) => (r.Nøgle === 'Hjemmeside-adresse' ? { ...r, Værdi: 'https://dagsordener.example.org/politik' } : r));
    const good = validateWorkbook(await xlsxSource(await writeTestWorkbook(ok)).readWorkbook(TABS_TO_READ));
    expect(good.model.settings.siteAddress).toBe('https://dagsordener.example.org/politik/');
  });
});
