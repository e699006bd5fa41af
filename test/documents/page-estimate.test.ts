// The page estimate of a .docx made without LibreOffice (src/documents/page-estimate.ts): its contents page
// and its page count are the ones LibreOffice gives the document. Without LibreOffice, against the
// pages LibreOffice gave the example's documents (for 24-03-2022 and 09-11-2022 also those of the
// published contents pages); with it, three ways for many made-up meetings: the estimate, the
// .docx's page references, and the PDF LibreOffice makes of the same .docx.

import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDocx, itemHeadingPrefix } from '../../src/documents/docx.js';
import type { DocumentKind, Edition } from '../../src/documents/edition.js';
import { convertDocxToPdf, findSoffice } from '../../src/documents/pdf.js';
import { loadTemplate, ORGANISATION_FILE, PHRASES_FILE, type Template } from '../../src/documents/template.js';
import type { Item, Meeting, WorkbookModel } from '../../src/model.js';
import { TEMPLATES_DIR } from '../../src/package-paths.js';
import { generatedMeetings } from './generated.js';
import { exampleModel } from './helpers.js';
import { STRESS_MEETING, STRESS_SETTINGS } from './stress.js';

const soffice = findSoffice();
// NOTE: CI installs LibreOffice, so there a missing LibreOffice is a failure, not a skip.
const canRun = soffice !== undefined || Boolean(process.env.CI);

/** The contents page's numbers, as the .docx's page references carry them. */
function contentsPages(docx: Uint8Array): number[] {
  const xml = strFromU8(unzipSync(docx)['word/document.xml']!);
  return [...xml.matchAll(/PAGEREF punkt_\d+[^<]*<\/w:instrText>(?:<\/w:r><w:r>)?<w:fldChar w:fldCharType="separate"\/><w:t[^>]*>(\d+)<\/w:t>/g)].map((m) => Number(m[1]));
}

/** The page count the footer's NUMPAGES field carries. */
function footerPageCount(docx: Uint8Array): number {
  const xml = strFromU8(unzipSync(docx)['word/footer1.xml']!);
  return Number(/NUMPAGES<\/w:instrText>[\s\S]*?<w:fldChar w:fldCharType="separate"\/><w:t[^>]*>(\d+)<\/w:t>/.exec(xml)?.[1]);
}

/** The bench's 12-item meeting (bench/documents.ts). */
function twelveItemMeeting(meetings: readonly Meeting[]): Meeting {
  const byId = (id: string) => meetings.find((m) => m.id === id)!;
  const picked: Item[] = [...byId('CF-2022-03-24').items, byId('CF-2021-03-04').items[2]!, byId('CF-2021-03-04').items[3]!, byId('CF-2022-11-09').items[3]!];
  const base = byId('CF-2022-11-09');
  return { ...base, items: picked.map((item, i) => ({ ...item, timeSlot: undefined, meetingId: base.id, number: i + 1 })) };
}

const KINDS: readonly DocumentKind[] = ['dagsorden', 'referat'];
const EDITIONS: readonly Edition[] = ['medlemmer', 'offentlig'];

describe('the page estimate', () => {
  let model: WorkbookModel;
  let template: Template;

  beforeAll(async () => {
    model = await exampleModel();
    template = await loadTemplate();
  });

  // The pages LibreOffice 7.4 gives the items, in every kind and edition (the same in each).
  const EXAMPLE_PAGES: Record<string, { items: number[]; pages: number }> = {
    'CF-2021-03-04': { items: [3, 4, 5, 6, 7, 8, 9], pages: 9 },
    // As the published contents pages have them (test/documents/reference/000_… and 001_…).
    'CF-2022-03-24': { items: [3, 4, 6, 8, 9, 10, 11, 12, 13], pages: 13 },
    'CF-2022-11-09': { items: [3, 4, 5, 6, 8, 9, 10], pages: 10 },
  };

  for (const [id, expected] of Object.entries(EXAMPLE_PAGES)) {
    it(`${id}: the contents page and the page count LibreOffice gives, in every kind and edition`, async () => {
      for (const kind of KINDS) {
        for (const edition of EDITIONS) {
          const docx = await buildDocx(model.meetings.find((m) => m.id === id)!, model.settings, kind, edition, template, { estimatePages: true });
          expect([kind, edition, contentsPages(docx), footerPageCount(docx)]).toEqual([kind, edition, expected.items, expected.pages]);
        }
      }
    });
  }

  it('the bench\'s 12-item referat: the pages LibreOffice gives', async () => {
    const docx = await buildDocx(twelveItemMeeting(model.meetings), model.settings, 'referat', 'medlemmer', template, { estimatePages: true });
    expect(contentsPages(docx)).toEqual([3, 4, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(footerPageCount(docx)).toBe(17);
  });

  it('a font the estimate has no widths for: docx\'s own layout gives the numbers instead', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dagsorden-skrift-'));
    try {
      const org = JSON.parse(await readFile(join(TEMPLATES_DIR, ORGANISATION_FILE), 'utf8')) as Record<string, unknown>;
      await writeFile(join(dir, ORGANISATION_FILE), JSON.stringify({ ...org, font: 'Georgia' }));
      await copyFile(join(TEMPLATES_DIR, PHRASES_FILE), join(dir, PHRASES_FILE));
      const docx = await buildDocx(STRESS_MEETING, STRESS_SETTINGS, 'dagsorden', 'offentlig', await loadTemplate(dir), { estimatePages: true });
      const pages = contentsPages(docx);
      expect(pages).toHaveLength(3);
      expect(pages[0]).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// Made-up meetings: 24 documents, every kind of block, page breaks falling everywhere.
const GENERATED = generatedMeetings(12, 22).flatMap((meeting, i) => KINDS.map((kind) => ({ name: `opdigtet møde ${i + 1} (${meeting.items.length} punkter), ${kind}`, meeting, kind })));
const CASES = [...GENERATED, ...KINDS.map((kind) => ({ name: `stressmødet, ${kind}`, meeting: STRESS_MEETING, kind }))];

describe.skipIf(!canRun)('the page estimate against LibreOffice\'s layout', () => {
  let estimated: Uint8Array[];
  let laidOut: { itemPages: number[]; pageCount: number }[];

  beforeAll(async () => {
    const template = await loadTemplate();
    estimated = await Promise.all(CASES.map((c) => buildDocx(c.meeting, STRESS_SETTINGS, c.kind, 'medlemmer', template, { estimatePages: true })));
    // LibreOffice lays out the same document without the estimate's numbers, in one start.
    const plain = await Promise.all(CASES.map((c) => buildDocx(c.meeting, STRESS_SETTINGS, c.kind, 'medlemmer', template)));
    const pdfs = await convertDocxToPdf(plain.map((docx, i) => ({ docx, name: `dokument-${i}` })), { soffice: soffice!, itemPrefix: itemHeadingPrefix(template) });
    laidOut = pdfs.map((pdf) => ({ itemPages: [...(pdf.layout?.itemPages.values() ?? [])], pageCount: pdf.layout?.pageCount ?? 0 }));
  }, 300_000);

  CASES.forEach((c, i) => {
    it(`${c.name}: the estimate's contents page and page count are LibreOffice's`, () => {
      expect(laidOut[i]!.itemPages).toHaveLength(c.meeting.items.length);
      expect({ items: contentsPages(estimated[i]!), pages: footerPageCount(estimated[i]!) }).toEqual({ items: laidOut[i]!.itemPages, pages: laidOut[i]!.pageCount });
    });
  });
});
