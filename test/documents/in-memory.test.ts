// renderDocuments works in memory: bytes in, bytes out. The only temporary folder is the PDF step's
// own (LibreOffice reads and writes files), and it is gone when the step returns, also on failure.

import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findSoffice } from '../../src/documents/pdf.js';
import { renderDocuments, type RenderRequest } from '../../src/documents/render.js';
import { loadTemplate, type Template } from '../../src/documents/template.js';
import { UserError } from '../../src/errors.js';
import type { WorkbookModel } from '../../src/model.js';
import { exampleModel } from './helpers.js';

const soffice = findSoffice();
// NOTE: CI installs LibreOffice, so there a missing LibreOffice is a failure, not a skip.
const canRun = soffice !== undefined || Boolean(process.env.CI);

let model: WorkbookModel;
let template: Template;
let scratch: string;
const originalTmp = process.env.TMPDIR;
/** What the run left in the temporary folder it was given. */
let tmp: string;

const request = (over: Partial<RenderRequest> = {}): RenderRequest => ({ meeting: model.meetings.find((m) => m.id === 'CF-2022-03-24')!, kind: 'dagsorden', edition: 'medlemmer', ...over });
const documentXml = (docx: Uint8Array): string => strFromU8(unzipSync(docx)['word/document.xml']!);
const pageRefResults = (xml: string): string[] => [...xml.matchAll(/PAGEREF punkt_\d+[^<]*<\/w:instrText>(?:<\/w:r><w:r>)?<w:fldChar w:fldCharType="separate"\/><w:t[^>]*>(\d+)<\/w:t>/g)].map((m) => m[1]!);

beforeAll(async () => {
  model = await exampleModel();
  template = await loadTemplate();
  scratch = await mkdtemp(join(tmpdir(), 'dagsorden-i-hukommelsen-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

// Each test gets an empty temporary folder of its own. TMPDIR is put back after each test: a worker
// runs its files one after another and shares its process between them (vitest.config.ts).
beforeEach(async () => {
  tmp = await mkdtemp(join(scratch, 'tmp-'));
  process.env.TMPDIR = tmp;
});

afterEach(() => {
  if (originalTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = originalTmp;
});

describe('renderDocuments', () => {
  it('without LibreOffice: the .docx as bytes, with the layout estimate\'s page numbers, and no folder', async () => {
    const [doc] = await renderDocuments([request()], model.settings, template, { formats: new Set(['docx', 'pdf']), soffice: undefined });
    expect([...doc!.files.keys()]).toEqual(['docx']);
    expect(pageRefResults(documentXml(doc!.files.get('docx')!))).toHaveLength(9);
    expect(doc!.title).toBe('Dagsorden Chefforum 24-03-2022 (Medlemsudgave – fortrolig)');
    expect(doc!.fileStem).toBe('Dagsorden Chefforum 2022-03-24 (Medlemsudgave – fortrolig)');
    expect(await readdir(tmp)).toEqual([]);
  });

  it.skipIf(!canRun)('with LibreOffice: .docx and PDF as bytes, the .docx with the PDF\'s page numbers; LibreOffice\'s folder is gone', async () => {
    const [doc, draft] = await renderDocuments([request(), request({ edition: 'offentlig', draft: true })], model.settings, template, { formats: new Set(['docx', 'pdf']), soffice });
    expect([...doc!.files.keys()]).toEqual(['docx', 'pdf']);
    expect(Buffer.from(doc!.files.get('pdf')!).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pageRefResults(documentXml(doc!.files.get('docx')!))).toEqual(['3', '4', '6', '8', '9', '10', '11', '12', '13']);
    // The preview's mark sits in the footer, so no page lacks it.
    expect(Object.entries(unzipSync(draft!.files.get('docx')!)).filter(([, data]) => strFromU8(data).includes('KLADDE – ikke udsendt')).map(([name]) => name)).toEqual(['word/footer1.xml']);
    expect(await readdir(tmp)).toEqual([]);
  });

  it.skipIf(!canRun)('only PDF asked for: no .docx comes back', async () => {
    const [doc] = await renderDocuments([request()], model.settings, template, { formats: new Set(['pdf']), soffice });
    expect([...doc!.files.keys()]).toEqual(['pdf']);
    expect(await readdir(tmp)).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')('a LibreOffice that makes no PDF: a Danish message naming the document, and the folder is gone', async () => {
    const broken = join(scratch, 'soffice-uden-pdf');
    await writeFile(broken, '#!/bin/sh\necho "kan ikke" >&2\nexit 3\n');
    await chmod(broken, 0o755);
    const error = await renderDocuments([request()], model.settings, template, { formats: new Set(['docx', 'pdf']), soffice: broken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/^PDF af Dagsorden Chefforum 2022-03-24 \(Medlemsudgave – fortrolig\) blev ikke lavet \(LibreOffice sluttede med kode 3\)\. Prøv igen;[^\n]*\nkan ikke$/);
    expect(await readdir(tmp)).toEqual([]);
  });
});
