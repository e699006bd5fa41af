// `dagsorden render` end to end on a temporary folder: the files it writes, and what it says when
// the meeting is unknown, has problems, or LibreOffice is missing.

import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample } from '../../examples/build-example.js';
import { runRender, type RenderIo } from '../../src/commands/render.js';
import { findSoffice } from '../../src/documents/pdf.js';
import { UserError } from '../../src/errors.js';
import { baseline, writeTestWorkbook } from '../helpers/workbook.js';
import { auditPdf } from './accessibility.js';
import { docxParts, pdfInfo } from './helpers.js';

let workbook: string;
const made: string[] = [];

/** A temporary output folder, removed after the tests. */
async function outFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-ud-'));
  made.push(dir);
  return dir;
}

function io(env: NodeJS.ProcessEnv = {}): RenderIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (s) => lines.push(s), err: (s) => errors.push(s), env: { PATH: process.env.PATH, ...env } };
}

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-render-'));
  made.push(dir);
  workbook = join(dir, 'chefforum.xlsx');
  await buildExample(workbook);
});

afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

describe('dagsorden render', () => {
  it('writes both editions as .docx into DIR/<Møde-id>/', async () => {
    const out = await outFolder();
    const r = io();
    expect(await runRender({ workbook, meeting: 'CF-2021-03-04', kind: 'referat', format: 'docx', out }, r)).toBe(0);
    expect((await readdir(join(out, 'CF-2021-03-04'))).sort()).toEqual(['referat-medlemmer.docx', 'referat-offentlig.docx']);
    expect(r.lines).toEqual([`Skrev ${join(out, 'CF-2021-03-04', 'referat-medlemmer.docx')}`, `Skrev ${join(out, 'CF-2021-03-04', 'referat-offentlig.docx')}`]);
    // Without a PDF to read the pages from, the contents carry the layout estimate's page numbers.
    const xml = (await docxParts(join(out, 'CF-2021-03-04', 'referat-offentlig.docx'))).get('word/document.xml')!;
    expect(xml).toMatch(/PAGEREF punkt_1<\/w:instrText><w:fldChar w:fldCharType="separate"\/><w:t xml:space="preserve">3<\/w:t>/);
  });

  it.skipIf(!findSoffice() && !process.env.CI)('writes .docx and .pdf of one edition', async () => {
    const out = await outFolder();
    const r = io();
    expect(await runRender({ workbook, meeting: 'CF-2022-03-24', kind: 'dagsorden', edition: 'offentlig', format: 'docx,pdf', out }, r)).toBe(0);
    expect((await readdir(join(out, 'CF-2022-03-24'))).sort()).toEqual(['dagsorden-offentlig.docx', 'dagsorden-offentlig.pdf']);
    const pdf = join(out, 'CF-2022-03-24', 'dagsorden-offentlig.pdf');
    expect((await pdfInfo(pdf)).Title).toBe('Dagsorden Chefforum 24-03-2022');
    expect(r.errors).toEqual([]);
    // Every PDF the suite makes goes through the accessibility check.
    expect((await auditPdf(pdf, { items: [1, 2, 3, 4, 5, 6, 7, 8, 9], title: 'Dagsorden Chefforum 24-03-2022' })).failures).toEqual([]);
  });

  it('without LibreOffice writes .docx and says in Danish how to get PDFs', async () => {
    const out = await outFolder();
    const r = io({ DAGSORDEN_SOFFICE: join(out, 'intet-soffice') });
    expect(await runRender({ workbook, meeting: 'CF-2022-03-24', kind: 'dagsorden', edition: 'medlemmer', format: 'pdf', out }, r)).toBe(0);
    expect(existsSync(join(out, 'CF-2022-03-24', 'dagsorden-medlemmer.docx'))).toBe(true);
    expect(existsSync(join(out, 'CF-2022-03-24', 'dagsorden-medlemmer.pdf'))).toBe(false);
    expect(r.errors.join('\n')).toContain('LibreOffice blev ikke fundet, så der er kun lavet .docx-filer (ingen PDF).');
    expect(r.errors.join('\n')).toContain('sudo apt-get install libreoffice-writer');
  });

  it('an unknown meeting is a usage error that lists the known ones', async () => {
    const error = await runRender({ workbook, meeting: 'CF-1999-01-01', kind: 'dagsorden', format: 'docx', out: tmpdir() }, io()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).reason).toBe('usage');
    expect((error as UserError).message).toBe(`Mødet "CF-1999-01-01" findes ikke i fanen Møder i ${workbook}. Kendte møde-id'er: CF-2021-03-04, CF-2022-03-24, CF-2022-11-09.`);
  });

  it('a meeting with problems prints them and makes nothing (exit 1)', async () => {
    const wb = baseline();
    wb.items[1]!['Sagsnr.'] = 'ikke et sagsnummer';
    const file = await writeTestWorkbook(wb, await outFolder());
    const out = await outFolder();
    const r = io();
    expect(await runRender({ workbook: file, meeting: 'CF-2022-03-24', kind: 'dagsorden', format: 'docx', out }, r)).toBe(1);
    expect(r.errors[0]).toMatch(/^Fandt 1 problem i regnearket:\n {2}Punkter!F3 {2}/);
    expect(r.errors[1]).toBe(`Ret problemerne i regnearket (${file}), og kør kommandoen igen. Der er ikke lavet dokumenter.`);
    expect(await readdir(out)).toEqual([]);
  });

  it('an unknown format is a usage error', async () => {
    await expect(runRender({ workbook, meeting: 'CF-2022-03-24', kind: 'dagsorden', format: 'docx,odt', out: tmpdir() }, io())).rejects.toThrow('Ukendt format i --format: "odt". Skriv docx, pdf eller docx,pdf.');
  });
});
