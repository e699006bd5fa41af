// The accessibility check on the stress meeting (every Markdown feature of the workbook spec and a
// 10-column numeric table), in both kinds and editions; and proof that the check fails where
// LibreOffice's own output falls short, so a pass means something.

import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentNames } from '../../src/documents/docx.js';
import type { DocumentKind, Edition } from '../../src/documents/edition.js';
import { writeRenderedDocuments } from '../../src/commands/render.js';
import { documentPath } from '../../src/documents/files.js';
import { convertDocxToPdf, findSoffice } from '../../src/documents/pdf.js';
import { renderDocuments } from '../../src/documents/render.js';
import { loadTemplate, ORGANISATION_FILE, PHRASES_FILE, type Template } from '../../src/documents/template.js';
import { TEMPLATES_DIR } from '../../src/package-paths.js';
import { auditPdf, type Expectation } from './accessibility.js';
import { run } from './helpers.js';
import { STRESS_MEETING, STRESS_SETTINGS, WIDE_TABLE_TOKENS } from './stress.js';

const soffice = findSoffice();
// NOTE: CI installs LibreOffice, so there a missing LibreOffice is a failure, not a skip.
const canRun = soffice !== undefined || Boolean(process.env.CI);

const CASES: readonly { kind: DocumentKind; edition: Edition }[] = [
  { kind: 'dagsorden', edition: 'offentlig' },
  { kind: 'dagsorden', edition: 'medlemmer' },
  { kind: 'referat', edition: 'offentlig' },
  { kind: 'referat', edition: 'medlemmer' },
];

let template: Template;
let outDir: string;
const pdfOf = (c: { kind: DocumentKind; edition: Edition }) => documentPath(outDir, { meeting: STRESS_MEETING, kind: c.kind, edition: c.edition }, 'pdf');

function expectation(kind: DocumentKind, edition: Edition): Expectation {
  return {
    items: STRESS_MEETING.items.map((i) => i.number),
    title: documentNames(STRESS_MEETING, kind, template, edition).title,
    wholeTokens: WIDE_TABLE_TOKENS,
    ...(edition === 'medlemmer' ? { everyPage: template.phrases.membersMarking } : {}),
  };
}

describe.skipIf(!canRun)('accessibility of the stress meeting', () => {
  beforeAll(async () => {
    template = await loadTemplate();
    outDir = await mkdtemp(join(tmpdir(), 'dagsorden-tilgaengelighed-'));
    const requests = CASES.map((c) => ({ meeting: STRESS_MEETING, ...c }));
    await writeRenderedDocuments(outDir, requests, await renderDocuments(requests, STRESS_SETTINGS, template, { formats: new Set(['docx', 'pdf'] as const), soffice }));
  });

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.kind}-${c.edition}: 0 failures`, async () => {
      const { failures, facts } = await auditPdf(pdfOf(c), expectation(c.kind, c.edition));
      console.log(`${c.kind}-${c.edition}.pdf: ${failures.length} fejl i tilgængelighedstjekket`);
      expect(failures).toEqual([]);
      // The stress item's structure, as the checks saw it.
      expect(facts.headings[0]).toBe(1);
      expect(facts.nestedLists).toBeGreaterThanOrEqual(3);
      expect(facts.tables).toBe(2);
      expect(facts.pdfuaPart).toBe('1');
    });
  }

  it('with the organisation\'s logo in the running header: 0 failures', async () => {
    // A 2×1 pixel PNG as the logo, in a copy of the templates.
    const dir = join(outDir, 'skabelon');
    await mkdir(dir);
    const org = JSON.parse(await readFile(join(TEMPLATES_DIR, ORGANISATION_FILE), 'utf8')) as Record<string, unknown>;
    org.logo = { file: 'logo.png', heightMm: 10, alt: 'Kommunens logo' };
    await writeFile(join(dir, ORGANISATION_FILE), JSON.stringify(org));
    await copyFile(join(TEMPLATES_DIR, PHRASES_FILE), join(dir, PHRASES_FILE));
    await writeFile(join(dir, 'logo.png'), Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGOQt0j5//8/AAljA7nJOZePAAAAAElFTkSuQmCC', 'base64'));
    const withLogo = await loadTemplate(dir);
    const out = join(outDir, 'med-logo');
    const request = { meeting: STRESS_MEETING, kind: 'dagsorden', edition: 'offentlig' } as const;
    await writeRenderedDocuments(out, [request], await renderDocuments([request], STRESS_SETTINGS, withLogo, { formats: new Set(['pdf'] as const), soffice }));
    const { failures } = await auditPdf(documentPath(out, request, 'pdf'), expectation('dagsorden', 'offentlig'));
    expect(failures).toEqual([]);
  });

  it('the 10-column table is on a landscape page; the other pages are portrait', async () => {
    const info = await run('pdfinfo', ['-f', '1', '-l', '99', pdfOf(CASES[3]!)]);
    const sizes = [...info.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)/gm)].map((m) => (Number(m[1]) > Number(m[2]) ? 'landscape' : 'portrait'));
    expect(sizes.filter((s) => s === 'landscape')).toHaveLength(1);
    expect(sizes.length).toBeGreaterThan(3);
  });

  it('the check fails on LibreOffice\'s own output, which the repair step puts right', async () => {
    const raw = join(outDir, 'uden-reparation.pdf');
    const docx = documentPath(outDir, { meeting: STRESS_MEETING, kind: 'referat', edition: 'medlemmer' }, 'docx');
    const [unrepaired] = await convertDocxToPdf([{ docx: await readFile(docx), name: 'referat-medlemmer' }], { soffice, repair: false });
    await writeFile(raw, unrepaired!.pdf);
    const { failures } = await auditPdf(raw, expectation('referat', 'medlemmer'));
    const rules = new Set(failures.map((f) => f.rule));
    expect(rules).toContain('links'); // /Tabs as a string, contents entries without annotation
    expect(rules).toContain('navigation'); // bookmarks panel closed, contents links only on "3"
    expect(failures.some((f) => f.detail.includes('ét link er blevet til to'))).toBe(true);
    // The repair changes nothing a reader sees: the same text on the same pages, the same metadata.
    const repaired = pdfOf({ kind: 'referat', edition: 'medlemmer' });
    expect(await run('pdftotext', ['-layout', repaired, '-'])).toBe(await run('pdftotext', ['-layout', raw, '-']));
    const info = async (f: string) => (await run('pdfinfo', [f])).split('\n').filter((l) => /^(Title|Subject|Author|Pages|Tagged|Page size):/.test(l));
    expect(await info(repaired)).toEqual(await info(raw));
  });
});
