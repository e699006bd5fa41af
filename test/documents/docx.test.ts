// The .docx itself, without LibreOffice: Markdown as real Word structures, the papers' parts and
// order, styles and metadata, closed items, the content hash and the templates.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgenda, buildDocx, buildMinutes } from '../../src/documents/docx.js';
import type { DocumentKind, Edition } from '../../src/documents/edition.js';
import { contentHash } from '../../src/documents/hash.js';
import { imageSize, loadTemplate, ORGANISATION_FILE, PHRASES_FILE, type Template } from '../../src/documents/template.js';
import { UserError } from '../../src/errors.js';
import { testItem } from '../helpers/items.js';
import type { Item, Meeting, Settings } from '../../src/model.js';
import { TEMPLATES_DIR } from '../../src/package-paths.js';
import { parseRichText } from '../../src/validate/richtext.js';

const settings: Settings = { organisation: 'Albertslund Kommune', timeZone: 'Europe/Copenhagen', daysBefore: 7, sendTime: '12:00', extra: {} };

function item(number: number, fields: Partial<Omit<Item, 'occasion' | 'presentation' | 'supplement' | 'history' | 'decision'>> & Partial<Record<'occasion' | 'presentation' | 'supplement' | 'history' | 'decision', string>> = {}): Item {
  const { occasion, presentation, supplement, history, decision, ...rest } = fields;
  const rich = (s: string | undefined) => (s === undefined ? {} : { tree: parseRichText(s).tree, source: s });
  const text = (key: string, s: string | undefined) => (s === undefined ? {} : { [key]: rich(s) });
  return testItem('CF-2030-01-10', number, {
    ...text('occasion', occasion),
    ...text('presentation', presentation),
    ...text('supplement', supplement),
    ...text('history', history),
    ...text('decision', decision),
    ...rest,
  });
}

const MARKDOWN = [
  '### Underoverskrift',
  '',
  'Et afsnit med **fed**, *kursiv* og et [link](https://example.org/bilag.pdf).',
  '',
  '- Første punkt',
  '  1. Indlejret et',
  '  2. Indlejret to',
  '- Andet punkt',
  '',
  '1. Første nummer',
  '2. Andet nummer',
  '',
  'Mellem listerne.',
  '',
  '1. Ny liste, et',
  '2. Ny liste, to',
  '',
  '| Opgave | Tid brugt |',
  '| --- | ---: |',
  '| Samtaler | 6 timer |',
  '| I alt | 6 timer |',
].join('\n');

function meeting(items: Item[]): Meeting {
  return { id: 'CF-2030-01-10', forum: 'Chefforum', date: '2030-01-10', start: '09:00', place: 'Mødelokale 1', status: 'Dagsorden klar', items, row: 2, remark: 'intern bemærkning' };
}

const EXAMPLE = meeting([
  item(1, { presentation: MARKDOWN, recommender: 'Kommunaldirektøren', recommendation: ['at punktet drøftes.', 'at planen godkendes.'], decision: 'Godkendt.' }),
  item(2, {
    title: 'Hemmelig personalesag',
    timeSlot: { start: '09:15', end: '09:45', label: '9.15-9.45' },
    closed: true,
    occasion: 'HEMMELIGT-INDHOLD i anledningen',
    decision: 'HEMMELIG beslutning',
    attachments: [{ title: 'Hemmeligt notat' }],
  }),
  item(3, {
    recommendationFirst: true,
    occasion: 'Anledningen.',
    presentation: 'Linje et\nLinje to\nLinje tre',
    recommender: 'Chefen for Økonomi & Stab',
    recommendation: ['at orienteringen tages til efterretning.'],
    history: 'DIF behandlede sagen tidligere.',
    decision: 'Drøftet.',
    attachments: [{ title: 'Økonomirapport', url: 'https://example.org/oer.pdf' }, { title: 'Notat uden link' }],
  }),
]);

let template: Template;

async function parts(kind: DocumentKind, edition: Edition, m: Meeting = EXAMPLE, t?: Template): Promise<Map<string, string>> {
  const bytes = await buildDocx(m, settings, kind, edition, t ?? template);
  return new Map(Object.entries(unzipSync(new Uint8Array(bytes))).map(([name, data]) => [name, strFromU8(data)]));
}

const unescape = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The visible text of each paragraph of the body, in order. */
function paragraphs(documentXml: string): string[] {
  return [...documentXml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) =>
    [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:br\/>|<w:tab\/>/g)].map((t) => (t[0] === '<w:br/>' ? '\n' : t[0] === '<w:tab/>' ? '\t' : unescape(t[1] ?? ''))).join(''),
  );
}

/** The paragraph-level XML whose text starts with `text`. */
function paragraphXml(documentXml: string, text: string): string {
  const found = [...documentXml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].find((p) => paragraphs(p[0])[0]?.startsWith(text));
  if (!found) throw new Error(`no paragraph starting with ${text}`);
  return found[0];
}

beforeAll(async () => {
  template = await loadTemplate();
});

describe('Markdown in a cell becomes Word structure', () => {
  it('a pipe table is a real table with a repeated header row, borders and alignment', async () => {
    const xml = (await parts('dagsorden', 'medlemmer')).get('word/document.xml')!;
    const tables = [...xml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((m) => m[0]);
    expect(tables).toHaveLength(1);
    const table = tables[0]!;
    expect(table.match(/<w:tr[ >]/g)).toHaveLength(3);
    expect(table).toContain('<w:tblHeader/>');
    expect(table).toMatch(/<w:tblBorders>[\s\S]*<w:insideH w:val="single"/);
    expect(paragraphs(table)).toEqual(['Opgave', 'Tid brugt', 'Samtaler', '6 timer', 'I alt', '6 timer']);
    expect(paragraphXml(table, 'Opgave')).toContain('<w:b/>');
    expect(paragraphXml(table, '6 timer')).toContain('<w:jc w:val="right"/>');
  });

  it('bold, italic and a link as an external hyperlink', async () => {
    const p = await parts('dagsorden', 'medlemmer');
    const xml = paragraphXml(p.get('word/document.xml')!, 'Et afsnit med');
    expect(xml).toMatch(/<w:r><w:rPr><w:b\/><w:bCs\/><\/w:rPr><w:t xml:space="preserve">fed<\/w:t>/);
    expect(xml).toMatch(/<w:i\/><w:iCs\/><\/w:rPr><w:t xml:space="preserve">kursiv</);
    const id = /<w:hyperlink [^>]*r:id="([^"]+)"/.exec(xml)?.[1];
    expect(id).toBeDefined();
    expect(p.get('word/_rels/document.xml.rels')).toMatch(new RegExp(`Id="${id}"[^>]*Target="https://example.org/bilag.pdf"[^>]*TargetMode="External"|Target="https://example.org/bilag.pdf"[^>]*Id="${id}"`));
  });

  it('nested lists keep their level, and every numbered list starts from 1 again', async () => {
    const p = await parts('dagsorden', 'medlemmer');
    const xml = p.get('word/document.xml')!;
    const numPr = (text: string) => {
      const m = /<w:numPr><w:ilvl w:val="(\d+)"\/><w:numId w:val="(\d+)"\/><\/w:numPr>/.exec(paragraphXml(xml, text));
      return m ? { level: Number(m[1]), numId: m[2]! } : undefined;
    };
    expect(numPr('Første punkt')?.level).toBe(0);
    expect(numPr('Indlejret et')?.level).toBe(1);
    expect(numPr('Indlejret et')?.numId).toBe(numPr('Indlejret to')?.numId);
    // A nested list is part of its outer list (one numbering instance), so it is nested in structure.
    expect(numPr('Indlejret et')?.numId).toBe(numPr('Første punkt')?.numId);
    expect(numPr('Andet punkt')?.numId).toBe(numPr('Første punkt')?.numId);
    const first = numPr('Første nummer')!.numId;
    const second = numPr('Ny liste, et')!.numId;
    const recommendation = numPr('at punktet drøftes.')!.numId;
    expect(new Set([first, second, recommendation]).size).toBe(3);
    const numbering = p.get('word/numbering.xml')!;
    for (const numId of [first, second, recommendation]) {
      expect(numbering).toMatch(new RegExp(`<w:num w:numId="${numId}">[\\s\\S]*?<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>`));
    }
    // Bullets are bullets, numbers are decimal "1.".
    expect(numbering).toContain('<w:numFmt w:val="bullet"/>');
    expect(numbering).toMatch(/<w:numFmt w:val="decimal"\/><w:lvlText w:val="%1."\/>/);
  });

  it('a cell of plain lines keeps its lines, as line breaks in one paragraph', async () => {
    const xml = (await parts('referat', 'medlemmer')).get('word/document.xml')!;
    expect(paragraphs(xml)).toContain('Linje et\nLinje to\nLinje tre');
  });

  it('a list may start at another number, a quote is indented, <br> breaks a line in a table cell', async () => {
    const m = meeting([item(1, { presentation: '3. Tredje\n4. Fjerde\n\n> Et citat\n\n| A | B |\n| - | - |\n| et<br>to | x |' })]);
    const p = await parts('dagsorden', 'offentlig', m);
    const xml = p.get('word/document.xml')!;
    const numId = /<w:numId w:val="(\d+)"\/>/.exec(paragraphXml(xml, 'Tredje'))![1];
    expect(p.get('word/numbering.xml')).toMatch(new RegExp(`<w:num w:numId="${numId}">[\\s\\S]*?<w:startOverride w:val="3"/>`));
    expect(paragraphXml(xml, 'Et citat')).toMatch(/<w:ind w:left="\d+"\/>/);
    expect(paragraphs(xml)).toContain('et\nto');
  });

  it('### is a sub-heading (Heading 3), below the sections (Heading 2) and items (Heading 1)', async () => {
    const xml = (await parts('dagsorden', 'medlemmer')).get('word/document.xml')!;
    expect(paragraphXml(xml, 'Underoverskrift')).toContain('<w:pStyle w:val="Heading3"/>');
    expect(paragraphXml(xml, 'Sagsfremstilling')).toContain('<w:pStyle w:val="Heading2"/>');
    expect(paragraphXml(xml, 'Punkt 1: CF - Punkt nummer 1')).toContain('<w:pStyle w:val="Heading1"/>');
    expect(paragraphXml(xml, 'DAGSORDEN Chefforum d. 10-01-2030')).toContain('<w:pStyle w:val="Title"/>');
  });
});

describe('accessibility in the .docx', () => {
  it('a cell whose first heading is #### continues from the section heading: Heading 3, then no level skipped', async () => {
    const m = meeting([item(1, { presentation: '#### Fire\n\ntekst\n\n###### Seks\n\n# En\n\n#### Fire igen' })]);
    const xml = (await parts('dagsorden', 'offentlig', m)).get('word/document.xml')!;
    const level = (text: string) => /<w:pStyle w:val="Heading(\d)"\/>/.exec(paragraphXml(xml, text))?.[1];
    // Never deeper than one below the heading before: ####→3, ######→4 (not 5), #→3, ####→4.
    expect(['Fire', 'Seks', 'En', 'Fire igen'].map(level)).toEqual(['3', '4', '3', '4']);
  });

  it('the title line and "Indholdsfortegnelse" are headings (outline levels 1 and 2)', async () => {
    const styles = (await parts('dagsorden', 'offentlig')).get('word/styles.xml')!;
    expect(styles).toMatch(/w:styleId="Title">[\s\S]*?<w:outlineLvl w:val="0"\/>/);
    expect(styles).toMatch(/w:styleId="TOCHeading">[\s\S]*?<w:outlineLvl w:val="1"\/>/);
  });

  it('no empty paragraph after a table, unless two tables meet', async () => {
    const m = meeting([item(1, { presentation: '| A | B |\n| - | - |\n| 1 | 2 |\n\nEfter.\n\n| C |\n| - |\n| 3 |\n\n| D |\n| - |\n| 4 |' })]);
    const xml = (await parts('dagsorden', 'offentlig', m)).get('word/document.xml')!;
    expect(xml).toMatch(/<\/w:tbl><w:p>(?:(?!<\/w:p>).)*Efter\./);
    expect(xml.match(/<\/w:tbl><w:p><w:pPr><w:spacing w:after="0"\/><\/w:pPr><\/w:p><w:tbl>/g)).toHaveLength(1);
  });

  it('a wide table gives each column its longest number, in smaller type or on a landscape page', async () => {
    const cells = Array.from({ length: 10 }, (_, c) => `${c + 1}.234.567.890`);
    const table = `| ${cells.map((_, c) => `Kolonne ${c + 1}`).join(' | ')} |\n|${' ---: |'.repeat(10)}\n| ${cells.join(' | ')} |`;
    const xml = (await parts('dagsorden', 'offentlig', meeting([item(1, { presentation: table })]))).get('word/document.xml')!;
    expect(xml).toContain('<w:tblLayout w:type="fixed"/>');
    const widths = [...xml.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(10);
    // "1.234.567.890" in 7-9 pt Arial is at least 60 pt (1200 twips) wide, plus the cell's margins.
    for (const w of widths) expect(w).toBeGreaterThan(1200);
    // Too wide for portrait (9412 twips) at any size: a landscape section of its own.
    expect(widths.reduce((a, b) => a + b, 0)).toBeGreaterThan(9412);
    expect(xml).toMatch(/<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"\/>/);
  });

  it('a table row is kept on one page unless it is longer than a page, which Word would cut off', async () => {
    const long = 'ord '.repeat(3000);
    const xml = (await parts('dagsorden', 'offentlig', meeting([item(1, { presentation: `| A | B |\n| - | - |\n| kort | række |\n| ${long} | lang |` })]))).get('word/document.xml')!;
    const rows = [...xml.matchAll(/<w:tr>[\s\S]*?<\/w:tr>/g)].map((m) => m[0].includes('<w:cantSplit/>'));
    expect(rows).toEqual([true, true, false]);
  });

  it('the members edition says "Medlemsudgave – fortrolig" in every page header; the public edition does not', async () => {
    const header = async (edition: Edition) => [...(await parts('dagsorden', edition))].filter(([name]) => /^word\/header\d+\.xml$/.test(name)).map(([, xml]) => paragraphs(xml));
    for (const h of await header('medlemmer')) expect(h).toEqual(['Albertslund Kommune\tDagsorden Chefforum 10-01-2030', 'Medlemsudgave – fortrolig']);
    for (const h of await header('offentlig')) expect(h).toEqual(['Albertslund Kommune\tDagsorden Chefforum 10-01-2030']);
    const core = (await parts('dagsorden', 'medlemmer')).get('docProps/core.xml')!;
    expect(core).toContain('<dc:title>Dagsorden Chefforum 10-01-2030 (Medlemsudgave – fortrolig)</dc:title>');
  });

  it('the footer\'s PAGE field keeps a value, so a preview never shows "Side  af 5"', async () => {
    const footer = [...(await parts('referat', 'offentlig'))].find(([name]) => /^word\/footer\d+\.xml$/.test(name))![1];
    expect(footer).toMatch(/<w:fldSimple w:instr="PAGE"[^>]*>[\s\S]*?<w:t[^>]*>1<\/w:t>/);
  });

  it('Indstilling lines without "at": "X indstiller, at:" and the lines as they are', async () => {
    const m = meeting([item(1, { recommender: 'Kommunaldirektøren', recommendation: ['punktet drøftes.', 'planen godkendes.'] })]);
    const text = paragraphs((await parts('dagsorden', 'offentlig', m)).get('word/document.xml')!);
    const at = text.indexOf('Kommunaldirektøren indstiller, at:');
    expect(text.slice(at, at + 3)).toEqual(['Kommunaldirektøren indstiller, at:', 'punktet drøftes.', 'planen godkendes.']);
    const withAt = paragraphs((await parts('dagsorden', 'offentlig')).get('word/document.xml')!);
    expect(withAt).toContain('Kommunaldirektøren indstiller,');
  });

  it('a 50,000-character unbroken cell is laid out by the page estimate (it took minutes before)', async () => {
    const m = meeting([item(1, { presentation: 'x'.repeat(50_000) }), item(2)]);
    const xml = strFromU8(unzipSync(new Uint8Array(await buildDocx(m, settings, 'dagsorden', 'offentlig', template, { estimatePages: true })))['word/document.xml']!);
    const page = (n: number) => Number(new RegExp(`PAGEREF punkt_${n}<\\/w:instrText><w:fldChar w:fldCharType="separate"\\/><w:t[^>]*>(\\d+)<`).exec(xml)?.[1]);
    expect(page(1)).toBe(3);
    // ~50,000 letters at ~95 a line and ~50 lines a page: item 2 starts about 10 pages later.
    expect(page(2)).toBeGreaterThan(8);
    expect(xml).toContain('x'.repeat(50_000)); // the document itself has the word unbroken
  });
});

describe('the parts of the papers', () => {
  it('dagsorden: title, Mødedato, Mødested, contents with leaders and page references, then the items', async () => {
    const xml = (await parts('dagsorden', 'offentlig')).get('word/document.xml')!;
    const text = paragraphs(xml);
    expect(text.slice(0, 8)).toEqual([
      'DAGSORDEN Chefforum d. 10-01-2030',
      'Mødedato\tTorsdag d. 10. januar 2030 kl. 09:00',
      'Mødested\tMødelokale 1',
      'Indholdsfortegnelse',
      'CF - Punkt nummer 1\t',
      'Lukket\t',
      'CF - Punkt nummer 3\t',
      'Punkt 1: CF - Punkt nummer 1',
    ]);
    const entry = paragraphXml(xml, 'CF - Punkt nummer 3');
    expect(entry).toMatch(/<w:tab w:val="right" w:pos="\d+" w:leader="dot"\/>/);
    // The whole entry, title, leader and page number, is one link to the item.
    expect(entry).toMatch(/<w:hyperlink [^>]*w:anchor="punkt_3"[^>]*>[\s\S]*CF - Punkt nummer 3[\s\S]*PAGEREF punkt_3[\s\S]*<\/w:hyperlink><\/w:p>$/);
    expect(paragraphXml(xml, 'Indholdsfortegnelse')).toContain('<w:pageBreakBefore/>');
    expect(paragraphXml(xml, 'Punkt 3: CF')).toContain('<w:pageBreakBefore/>');
    expect(paragraphXml(xml, 'Punkt 3: CF')).toMatch(/<w:bookmarkStart w:name="punkt_3" w:id="\d+"\/>/);
  });

  it('sections in the papers\' order, Indstilling first when asked, Beslutning only in the referat', async () => {
    const sectionsOf = (text: string[], from: string, to?: string) => {
      const start = text.indexOf(from);
      const end = to ? text.indexOf(to) : text.length;
      return text.slice(start, end);
    };
    const agenda = paragraphs((await parts('dagsorden', 'medlemmer')).get('word/document.xml')!);
    const minutes = paragraphs((await parts('referat', 'medlemmer')).get('word/document.xml')!);
    expect(sectionsOf(minutes, 'Punkt 3: CF - Punkt nummer 3')).toEqual([
      'Punkt 3: CF - Punkt nummer 3',
      '00.01.00-A21-2-21',
      'Anledning',
      'Anledningen.',
      'Indstilling',
      'Chefen for Økonomi & Stab indstiller,',
      'at orienteringen tages til efterretning.',
      'Sagsfremstilling',
      'Linje et\nLinje to\nLinje tre',
      'Historik',
      'DIF behandlede sagen tidligere.',
      'Beslutning',
      'Drøftet.',
      'Bilag',
      'Bilag 1 - Økonomirapport',
      'Bilag 2 - Notat uden link',
    ]);
    expect(sectionsOf(agenda, 'Punkt 3: CF - Punkt nummer 3')).not.toContain('Beslutning');
    expect(sectionsOf(agenda, 'Punkt 1: CF - Punkt nummer 1', 'Punkt 2: CF - Hemmelig personalesag (9.15-9.45)').slice(-4)).toEqual([
      'Indstilling',
      'Kommunaldirektøren indstiller,',
      'at punktet drøftes.',
      'at planen godkendes.',
    ]);
    expect(minutes.join('\n')).not.toContain('Supplerende sagsfremstilling'); // no content, no heading
  });

  it('an attachment with a link is a hyperlink', async () => {
    const p = await parts('referat', 'offentlig');
    expect(paragraphXml(p.get('word/document.xml')!, 'Bilag 1 - Økonomirapport')).toMatch(/<w:hyperlink [^>]*r:id=/);
    expect(p.get('word/_rels/document.xml.rels')).toContain('Target="https://example.org/oer.pdf"');
    expect(paragraphXml(p.get('word/document.xml')!, 'Bilag 2 - Notat uden link')).not.toContain('<w:hyperlink');
  });

  it("a bilag file links to its copy in the reader's edition's bilag folder, beside the document", async () => {
    const file = { name: 'kort & plan.pdf', mediaType: 'application/pdf', size: 10, sha256: 'a'.repeat(64) };
    const m = { ...EXAMPLE, items: EXAMPLE.items.map((i) => (i.number === 3 ? { ...i, attachments: [...i.attachments, { title: 'Kort', path: 'bilag/kort & plan.pdf', file }] } : i)) };
    for (const [edition, folder] of [['offentlig', 'Bilag%20(offentlig)'], ['medlemmer', 'Bilag%20(medlemmer)']] as const) {
      const p = await parts('dagsorden', edition, m);
      expect(paragraphXml(p.get('word/document.xml')!, 'Bilag 3 - Kort')).toMatch(/<w:hyperlink [^>]*r:id=/);
      expect(p.get('word/_rels/document.xml.rels')).toContain(`Target="${folder}/Punkt%203%20-%20Bilag%203%20-%20kort%20%26amp%3B%20plan.pdf"`.replace('%26amp%3B', '%26'));
    }
  });

  it('styles, language, metadata, header and footer', async () => {
    const p = await parts('referat', 'offentlig');
    const styles = p.get('word/styles.xml')!;
    expect(styles).toMatch(/<w:docDefaults>[\s\S]*<w:lang w:val="da-DK"/);
    expect(styles).toMatch(/<w:rFonts w:ascii="Arial"/);
    for (const id of ['Title', 'Heading1', 'Heading2', 'Heading3']) expect(styles).toContain(`w:styleId="${id}"`);
    expect(styles).toMatch(/w:styleId="Heading1">[\s\S]*?<w:outlineLvl w:val="0"\/>/);
    const core = p.get('docProps/core.xml')!;
    expect(core).toContain('<dc:title>Referat Chefforum 10-01-2030</dc:title>');
    expect(core).toContain('<dc:subject>Referat for mødet i Chefforum torsdag d. 10. januar 2030 kl. 09:00</dc:subject>');
    expect(core).toContain('<dc:creator>Albertslund Kommune</dc:creator>');
    const footer = [...p].find(([name]) => /^word\/footer\d+\.xml$/.test(name))![1];
    expect(footer).toMatch(/Side [\s\S]*PAGE[\s\S]* af [\s\S]*NUMPAGES/);
    const header = [...p].find(([name]) => /^word\/header\d+\.xml$/.test(name))![1];
    expect(paragraphs(header)).toEqual(['Albertslund Kommune\tReferat Chefforum 10-01-2030']);
  });
});

describe('closed items', () => {
  const SECRETS = ['Hemmelig personalesag', 'HEMMELIGT-INDHOLD', 'HEMMELIG beslutning', 'Hemmeligt notat', '9.15-9.45'];

  it('the public edition has "Punkt 2: Lukket" and the case number, and nothing else of the item in any part', async () => {
    for (const kind of ['dagsorden', 'referat'] as const) {
      const p = await parts(kind, 'offentlig');
      for (const [name, xml] of p) for (const secret of SECRETS) expect(xml.includes(secret), `${secret} in ${name}`).toBe(false);
      const text = paragraphs(p.get('word/document.xml')!);
      const at = text.indexOf('Punkt 2: Lukket');
      expect(text.slice(at, at + 3)).toEqual(['Punkt 2: Lukket', '00.01.00-A21-2-21', 'Punkt 3: CF - Punkt nummer 3']);
      expect(text).toContain('Lukket\t');
      expect(p.get('word/document.xml')).not.toContain('Lukket punkt – fortroligt');
      expect(p.get('word/document.xml')!.match(/w:name="[^"]*"/g)).toEqual(['w:name="punkt_1"', 'w:name="punkt_2"', 'w:name="punkt_3"']);
    }
  });

  it('the members edition has the whole item, marked as closed', async () => {
    const p = await parts('referat', 'medlemmer');
    const text = paragraphs(p.get('word/document.xml')!);
    const at = text.indexOf('Punkt 2: CF - Hemmelig personalesag (9.15-9.45)');
    expect(text.slice(at, at + 9)).toEqual([
      'Punkt 2: CF - Hemmelig personalesag (9.15-9.45)',
      'Lukket punkt – fortroligt',
      '00.01.00-A21-2-21',
      'Anledning',
      'HEMMELIGT-INDHOLD i anledningen',
      'Beslutning',
      'HEMMELIG beslutning',
      'Bilag',
      'Bilag 1 - Hemmeligt notat',
    ]);
    expect(text).toContain('Medlemsudgave. Indeholder lukkede punkter, som ikke må videregives.');
    expect(p.get('docProps/core.xml')).not.toContain('Hemmelig');
  });

  it('buildAgenda and buildMinutes are the two kinds', async () => {
    const agenda = unzipSync(new Uint8Array(await buildAgenda(EXAMPLE, settings, 'offentlig', template)));
    const minutes = unzipSync(new Uint8Array(await buildMinutes(EXAMPLE, settings, 'offentlig', template)));
    expect(strFromU8(agenda['word/document.xml']!)).toContain('DAGSORDEN Chefforum');
    expect(strFromU8(minutes['word/document.xml']!)).toContain('REFERAT Chefforum');
  });
});

describe('contentHash', () => {
  const withItem = (n: number, change: Partial<Item>): Meeting => ({ ...EXAMPLE, items: EXAMPLE.items.map((i) => (i.number === n ? { ...i, ...change } : i)) });

  it('is stable, and differs by kind and edition', () => {
    const h = contentHash(EXAMPLE, settings, 'dagsorden', 'offentlig', template);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash(structuredClone(EXAMPLE), settings, 'dagsorden', 'offentlig', template)).toBe(h);
    expect(contentHash(EXAMPLE, settings, 'dagsorden', 'offentlig')).toBe(h); // the bundled template by default
    expect(contentHash(EXAMPLE, settings, 'referat', 'offentlig', template)).not.toBe(h);
    expect(contentHash(EXAMPLE, settings, 'dagsorden', 'medlemmer', template)).not.toBe(h);
  });

  it('follows what the document shows, and nothing else', () => {
    const hash = (m: Meeting, kind: DocumentKind, edition: Edition) => contentHash(m, settings, kind, edition, template);
    // A closed item's text changes only the members edition.
    const secret = withItem(2, { title: 'Ny hemmelig titel' });
    expect(hash(secret, 'referat', 'offentlig')).toBe(hash(EXAMPLE, 'referat', 'offentlig'));
    expect(hash(secret, 'referat', 'medlemmer')).not.toBe(hash(EXAMPLE, 'referat', 'medlemmer'));
    // A decision changes the referat, not the dagsorden.
    const decided = withItem(1, { decision: parseRichText('Ændret beslutning') });
    expect(hash(decided, 'dagsorden', 'medlemmer')).toBe(hash(EXAMPLE, 'dagsorden', 'medlemmer'));
    expect(hash(decided, 'referat', 'medlemmer')).not.toBe(hash(EXAMPLE, 'referat', 'medlemmer'));
    // Rows moved in the sheet, a new status or remark: the document is the same.
    const moved: Meeting = { ...EXAMPLE, row: 40, status: 'Afholdt', remark: 'anden bemærkning', items: EXAMPLE.items.map((i) => ({ ...i, row: i.row + 10 })) };
    expect(hash(moved, 'dagsorden', 'medlemmer')).toBe(hash(EXAMPLE, 'dagsorden', 'medlemmer'));
    // A new place changes it.
    expect(hash({ ...EXAMPLE, place: 'Teams' }, 'dagsorden', 'offentlig')).not.toBe(hash(EXAMPLE, 'dagsorden', 'offentlig'));
  });

  it("follows a bilag file's checksum: a changed, added or removed file is a new version; a closed item's only in the members' edition", () => {
    const hash = (m: Meeting, edition: Edition) => contentHash(m, settings, 'dagsorden', edition, template);
    const file = (sha: string) => ({ title: 'Kort', path: 'bilag/kort.pdf', file: { name: 'kort.pdf', mediaType: 'application/pdf', size: 10, sha256: sha.repeat(64) } });
    const open = EXAMPLE.items.find((i) => !i.closed)!.number;
    const closed = EXAMPLE.items.find((i) => i.closed)!.number;
    const a = withItem(open, { attachments: [file('a')] });
    for (const edition of ['medlemmer', 'offentlig'] as const) {
      expect(hash(withItem(open, { attachments: [file('b')] }), edition)).not.toBe(hash(a, edition));
      expect(hash(withItem(open, { attachments: [file('a'), file('c')] }), edition)).not.toBe(hash(a, edition));
      expect(hash(withItem(open, { attachments: [] }), edition)).not.toBe(hash(a, edition));
    }
    const c = withItem(closed, { attachments: [file('a')] });
    expect(hash(withItem(closed, { attachments: [file('b')] }), 'medlemmer')).not.toBe(hash(c, 'medlemmer'));
    expect(hash(withItem(closed, { attachments: [file('b')] }), 'offentlig')).toBe(hash(c, 'offentlig'));
  });

  it('changes with the template', async () => {
    const other = { ...template, fingerprint: 'x' };
    expect(contentHash(EXAMPLE, settings, 'dagsorden', 'offentlig', other)).not.toBe(contentHash(EXAMPLE, settings, 'dagsorden', 'offentlig', template));
  });
});

describe('templates', () => {
  // A 2×1 pixel PNG.
  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGOQt0j5//8/AAljA7nJOZePAAAAAElFTkSuQmCC', 'base64');

  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
  });

  async function templateDir(change: (org: Record<string, unknown>, phrases: Record<string, unknown>) => void): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'dagsorden-skabelon-'));
    made.push(dir);
    const org = JSON.parse(await readFile(join(TEMPLATES_DIR, ORGANISATION_FILE), 'utf8')) as Record<string, unknown>;
    const phrases = JSON.parse(await readFile(join(TEMPLATES_DIR, PHRASES_FILE), 'utf8')) as Record<string, unknown>;
    change(org, phrases);
    await writeFile(join(dir, ORGANISATION_FILE), JSON.stringify(org));
    await writeFile(join(dir, PHRASES_FILE), JSON.stringify(phrases));
    await writeFile(join(dir, 'logo.png'), PNG);
    return dir;
  }

  it('a municipality changes wording, font and logo without code', async () => {
    const dir = await templateDir((org, phrases) => {
      org.font = 'Liberation Serif';
      org.logo = { file: 'logo.png', heightMm: 10, alt: 'Kommunens logo' };
      (phrases.sections as Record<string, string>).decision = 'Afgørelse';
    });
    const t = await loadTemplate(dir);
    expect(t.fingerprint).not.toBe(template.fingerprint);
    const p = await parts('referat', 'offentlig', EXAMPLE, t);
    expect(paragraphs(p.get('word/document.xml')!)).toContain('Afgørelse');
    expect(p.get('word/styles.xml')).toContain('w:ascii="Liberation Serif"');
    expect([...p.keys()].some((n) => n.startsWith('word/media/'))).toBe(true);
    const header = [...p].find(([name]) => /^word\/header\d+\.xml$/.test(name))![1];
    expect(header).toContain('descr="Kommunens logo"');
    expect(imageSize(PNG)).toEqual({ type: 'png', width: 2, height: 1 });
  });

  it('a mistake in a template file is a Danish message that says where', async () => {
    const dir = await templateDir((org, phrases) => {
      org.headingColour = '#1F3864';
      phrases.titleLine = '{dokument} {foum} d. {dato}';
      delete (phrases.sections as Record<string, string>).history;
    });
    const error = await loadTemplate(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain('headingColour: skal være en farve som 6 hex-cifre uden #');
    const fixed = await templateDir((org, phrases) => {
      phrases.titleLine = '{dokument} {foum} d. {dato}';
      delete (phrases.sections as Record<string, string>).history;
    });
    const message = ((await loadTemplate(fixed).catch((e: unknown) => e)) as UserError).message;
    expect(message).toContain('titleLine: bruger {foum}, som ikke findes her');
    expect(message).toContain('sections.history: mangler');
    await expect(loadTemplate(join(dir, 'findes-ikke'))).rejects.toThrow(/Skabelonfilen .*\.json kunne ikke læses/);
  });
});
