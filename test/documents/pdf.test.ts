// The example's documents as PDFs, against the published reference documents: the same lines in the
// same order, the real page numbers in the contents, no closed content in the public edition, and
// tagged PDFs with a title. All PDFs are made in one LibreOffice start.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentNames, itemHeadingPrefix } from '../../src/documents/docx.js';
import type { DocumentKind, Edition } from '../../src/documents/edition.js';
import { writeRenderedDocuments } from '../../src/commands/render.js';
import { documentPath } from '../../src/documents/files.js';
import { findSoffice, readPdfLayout } from '../../src/documents/pdf.js';
import { renderDocuments } from '../../src/documents/render.js';
import { loadTemplate, type Template } from '../../src/documents/template.js';
import type { Meeting, WorkbookModel } from '../../src/model.js';
import { auditPdf } from './accessibility.js';
import { docxParts, exampleModel, matchInOrder, pdfInfo, pdfPages, pdfStream, referenceLines, run } from './helpers.js';

const soffice = findSoffice();
// NOTE: CI installs LibreOffice, so there a missing LibreOffice is a failure, not a skip.
const canRun = soffice !== undefined || Boolean(process.env.CI);

const CANARY = ['FORTROLIGT-KANARIE-7Q', 'OPDIGTET INDHOLD', 'Personalesag', 'omplacering i Sundhed'];
const SECTION_HEADINGS = ['Anledning', 'Sagsfremstilling', 'Supplerende sagsfremstilling', 'Indstilling', 'Historik', 'Beslutning', 'Bilag'];

interface Case {
  readonly meetingId: string;
  readonly kind: DocumentKind;
  readonly edition: Edition;
  readonly reference?: string;
}

const CASES: readonly Case[] = [
  { meetingId: 'CF-2022-03-24', kind: 'dagsorden', edition: 'medlemmer', reference: '000_b14ad2b83b665e5b.txt' },
  { meetingId: 'CF-2022-11-09', kind: 'referat', edition: 'medlemmer', reference: '001_1d7c5ae37b5057d8.txt' },
  // The reference shows the public view of the closed item 3 ("Punkt 3: Lukket" and its case number).
  { meetingId: 'CF-2021-03-04', kind: 'referat', edition: 'offentlig', reference: '003_6d71fa4a58175b5a.txt' },
  { meetingId: 'CF-2021-03-04', kind: 'referat', edition: 'medlemmer' },
  { meetingId: 'CF-2021-03-04', kind: 'dagsorden', edition: 'offentlig' },
];

let model: WorkbookModel;
let template: Template;
let outDir: string;
const meeting = (id: string): Meeting => model.meetings.find((m) => m.id === id)!;
const pdfOf = (c: Case) => documentPath(outDir, { meeting: { id: c.meetingId }, kind: c.kind, edition: c.edition }, 'pdf');
const docxOf = (c: Case) => documentPath(outDir, { meeting: { id: c.meetingId }, kind: c.kind, edition: c.edition }, 'docx');

/** The running header (organisation, document title) and footer (Side X af Y) of a page. */
function runningLine(c: Case): (line: string) => boolean {
  const { title } = documentNames(meeting(c.meetingId), c.kind, template);
  const organisation = model.settings.organisation;
  const marking = template.phrases.membersMarking;
  return (line) => line === organisation || line === title || line === `${organisation} ${title}` || (c.edition === 'medlemmer' && line === marking) || /^Side \d+ af \d+$/.test(line);
}

/** Page (1-based) on which each item starts: its heading is the first body line of the page. */
function itemStarts(pages: readonly (readonly string[])[], c: Case): Map<number, number> {
  const isRunning = runningLine(c);
  const starts = new Map<number, number>();
  pages.forEach((lines, i) => {
    const first = lines.find((l) => !isRunning(l));
    const m = first ? /^Punkt (\d+):/.exec(first) : null;
    if (m) starts.set(Number(m[1]), i + 1);
  });
  return starts;
}

/** The contents' entries: title and page number, from the page that holds "Indholdsfortegnelse". */
function contentsEntries(pages: readonly (readonly string[])[]): { title: string; page: number }[] {
  const page = pages.find((lines) => lines.includes('Indholdsfortegnelse'));
  if (!page) return [];
  return page.flatMap((line) => {
    const m = /^(.*?)\s*\.{3,}\s*(\d+)$/.exec(line);
    return m ? [{ title: m[1]!, page: Number(m[2]) }] : [];
  });
}

describe.skipIf(!canRun)('PDF documents of the example', () => {
  beforeAll(async () => {
    model = await exampleModel();
    template = await loadTemplate();
    outDir = await mkdtemp(join(tmpdir(), 'dagsorden-pdf-test-'));
    const requests = CASES.map((c) => ({ meeting: meeting(c.meetingId), kind: c.kind, edition: c.edition }));
    // One LibreOffice start for all five PDFs.
    await writeRenderedDocuments(outDir, requests, await renderDocuments(requests, model.settings, template, { formats: new Set(['docx', 'pdf'] as const), soffice }));
  });

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  for (const c of CASES.filter((x) => x.reference)) {
    it(`${c.meetingId} ${c.kind} (${c.edition}) contains the lines of ${c.reference} in order`, async () => {
      const reference = await referenceLines(c.reference!);
      const pages = await pdfPages(pdfOf(c));
      const stream = pdfStream(pages, runningLine(c));
      const names = documentNames(meeting(c.meetingId), c.kind, template);
      // The fixed phrases must be found exactly, as lines of their own.
      const fixed = (line: string) =>
        line === names.titleLine ||
        line.startsWith('Mødedato ') ||
        line.startsWith('Mødested ') ||
        line === 'Indholdsfortegnelse' ||
        /^Punkt \d+: /.test(line) ||
        SECTION_HEADINGS.includes(line) ||
        / indstiller,$/.test(line);
      const { matched, count } = matchInOrder(reference, stream, fixed);
      const percent = (100 * count) / reference.length;
      const missing = reference.filter((_, i) => !matched[i]);
      console.log(`${c.meetingId} ${c.kind}-${c.edition}: ${count}/${reference.length} referencelinjer i rækkefølge (${percent.toFixed(1)} %)` + (missing.length ? `; mangler: ${missing.map((l) => JSON.stringify(l.slice(0, 70))).join(', ')}` : ''));
      expect(percent).toBeGreaterThanOrEqual(95);
      const fixedMissing = reference.filter((line, i) => fixed(line) && !matched[i]);
      expect(fixedMissing).toEqual([]);
      expect(reference[0]).toBe(names.titleLine);
    });
  }

  it('a different meeting\'s PDF does not pass for the reference (the matcher is not lenient)', async () => {
    const reference = await referenceLines('000_b14ad2b83b665e5b.txt');
    const other = CASES[1]!;
    const { count } = matchInOrder(reference, pdfStream(await pdfPages(pdfOf(other)), runningLine(other)));
    expect(count / reference.length).toBeLessThan(0.3);
  });

  for (const c of CASES) {
    it(`${c.meetingId} ${c.kind}-${c.edition}: the contents give the pages where the items start`, async () => {
      const pages = await pdfPages(pdfOf(c));
      const starts = itemStarts(pages, c);
      const entries = contentsEntries(pages);
      const items = meeting(c.meetingId).items;
      expect(starts.size).toBe(items.length);
      expect(entries.map((e) => e.page)).toEqual(items.map((i) => starts.get(i.number)));
      // Each item on a page of its own, after the title page and the contents page.
      expect(starts.get(items[0]!.number)).toBe(3);
      // The .docx carries the same numbers as the results of its page references (for Word).
      const xml = (await docxParts(docxOf(c))).get('word/document.xml')!;
      const cached = [...xml.matchAll(/PAGEREF (punkt_\d+)[^<]*<\/w:instrText>(?:<\/w:r><w:r>)?<w:fldChar w:fldCharType="separate"\/><w:t[^>]*>(\d+)<\/w:t>/g)].map((m) => Number(m[2]));
      expect(cached).toEqual(entries.map((e) => e.page));
      // And the PDF's bookmarks, which the headings make, agree.
      const layout = await readPdfLayout(pdfOf(c), itemHeadingPrefix(template));
      expect(layout && [...layout.itemPages.values()]).toEqual(items.map((i) => starts.get(i.number)));
    });
  }

  it('the contents of CF-2022-03-24 equal the reference contents, page numbers included', async () => {
    const pages = await pdfPages(pdfOf(CASES[0]!));
    expect(contentsEntries(pages).map((e) => `${e.title} ${e.page}`)).toEqual([
      'CF - Godkendelse af dagsorden og referat fra seneste møde 3',
      'CF - Byudviklingsforum den 24. marts 2022 4',
      'CF - Én kommune, Én organisation 6',
      'CF - Borger & Arbejdsmarked - Dorthes første tre måneder 8',
      'CF - Tværgående koordinering af erhvervsindsatsen 9',
      'CF - Ledelsesinformation om sygefravær 10',
      'CF - Økonomirapport ØR1 pr. 280222 11',
      'CF - Budgetproces 2023 12',
      'CF - Eventuelt/Ukraine 13',
    ]);
  });

  it('no byte of a public edition holds the closed item; the members edition does', async () => {
    for (const c of CASES.filter((x) => x.meetingId === 'CF-2021-03-04')) {
      const docx = await readFile(docxOf(c));
      const pdf = await readFile(pdfOf(c));
      const parts = await docxParts(docxOf(c));
      const pdfText = (await pdfPages(pdfOf(c))).flat().join('\n');
      const metadata = (await run('pdfinfo', [pdfOf(c)])) + (await run('pdfinfo', ['-meta', pdfOf(c)]));
      const bookmarks = await run('pdftohtml', ['-xml', '-i', '-q', '-stdout', pdfOf(c)]);
      const utf16 = (s: string) => Buffer.from(s, 'utf16le').swap16().toString('hex');
      for (const secret of CANARY) {
        const inParts = [...parts].filter(([, text]) => text.includes(secret) || text.includes(secret.replace(/&/g, '&amp;'))).map(([name]) => name);
        const inPdf = pdfText.includes(secret);
        if (c.edition === 'offentlig') {
          expect(inParts, `${secret} in ${c.kind}-offentlig.docx`).toEqual([]);
          expect(docx.includes(secret), `${secret} in the raw bytes of the .docx`).toBe(false);
          expect(inPdf, `${secret} in the text of ${c.kind}-offentlig.pdf`).toBe(false);
          expect(pdf.includes(secret) || pdf.toString('latin1').toLowerCase().includes(utf16(secret)), `${secret} in the raw bytes of the .pdf`).toBe(false);
          expect(metadata.includes(secret) || bookmarks.includes(secret)).toBe(false);
        } else if (secret !== 'OPDIGTET INDHOLD' || c.kind === 'referat') {
          expect(inParts.length, `${secret} in ${c.kind}-medlemmer.docx`).toBeGreaterThan(0);
          expect(inPdf, `${secret} in ${c.kind}-medlemmer.pdf`).toBe(true);
        }
      }
      const text = pdfText.replace(/\s+/g, ' ');
      if (c.edition === 'offentlig') {
        expect(text).toContain('Punkt 3: Lukket 82.13.10-P05-1-21 Side');
      } else {
        expect(text).toContain('Lukket punkt – fortroligt');
      }
    }
  });

  it('every PDF passes the accessibility check (PDF/UA machine checks, navigation, members\' marking): 0 failures', async () => {
    let total = 0;
    for (const c of CASES) {
      const m = meeting(c.meetingId);
      const { failures } = await auditPdf(pdfOf(c), {
        items: m.items.map((i) => i.number),
        title: documentNames(m, c.kind, template, c.edition).title,
        ...(c.edition === 'medlemmer' ? { everyPage: template.phrases.membersMarking } : {}),
      });
      if (failures.length) console.log(`${c.meetingId} ${c.kind}-${c.edition}: ${JSON.stringify(failures)}`);
      total += failures.length;
    }
    console.log(`${CASES.length} PDF'er af eksemplet: ${total} fejl i tilgængelighedstjekket`);
    expect(total).toBe(0);
  });

  it('every PDF is tagged (PDF/UA) and has the document title, subject and bookmarks', async () => {
    for (const c of CASES) {
      const info = await pdfInfo(pdfOf(c));
      const names = documentNames(meeting(c.meetingId), c.kind, template, c.edition);
      expect(info.Tagged).toBe('yes');
      expect(info.Title).toBe(names.title);
      expect(info.Subject).toBe(names.subject);
      expect(await run('pdfinfo', ['-meta', pdfOf(c)])).toContain('<pdfuaid:part>1</pdfuaid:part>');
      expect((await readFile(pdfOf(c))).toString('latin1')).toMatch(/\/Lang\s*\(da-DK\)/);
      const layout = await readPdfLayout(pdfOf(c), 'Punkt ');
      expect(layout?.itemPages.size).toBe(meeting(c.meetingId).items.length);
    }
  });
});
