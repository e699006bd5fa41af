// The secretary's guide outside the Sheet: docs/vejledning.md is the same text as the Vejledning tab
// (generated from sheets-schema/, held to it here), and the PDF the project makes of it is one page
// with every section and paragraph on it.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from '@cantoo/pdf-lib';
import { describe, expect, it } from 'vitest';
import { guideMarkdown, guideSections } from '../../sheets-schema/guide.js';
import { GUIDE_DOC, guidePdf } from '../../scripts/guide.js';

/** Words only: line breaks, and the hyphen LibreOffice may break «Møde-id» at, are layout. */
const words = (s: string) => s.replace(/[«»-]/g, '').split(/\s+/).filter(Boolean).join(' ');

describe('Vejledning outside the Sheet', () => {
  it('docs/vejledning.md is the generated guide (run `npm run docs` after changing the schema)', async () => {
    expect(await readFile(GUIDE_DOC, 'utf8')).toBe(guideMarkdown());
  });

  it('the PDF made by the project is one page and carries every heading and paragraph', async () => {
    const pdf = await guidePdf();
    expect((await PDFDocument.load(pdf)).getPageCount()).toBe(1);
    const dir = await mkdtemp(join(tmpdir(), 'vejledning-'));
    try {
      await writeFile(join(dir, 'v.pdf'), pdf);
      const text = words(execFileSync('pdftotext', [join(dir, 'v.pdf'), '-']).toString('utf8'));
      for (const s of guideSections()) {
        expect(text).toContain(words(s.heading));
        for (const p of s.paragraphs) expect(text).toContain(words(p));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
