// Writes the secretary's guide from sheets-schema/guide.ts: docs/vejledning.md (`npm run docs`), and
// with `--pdf <file>` the one-page PDF (`npm run guide-pdf`, needs LibreOffice). The PDF is made
// on demand and not kept in the repository.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { guideMarkdown } from '../sheets-schema/guide.js';
import { buildGuideDocx } from '../src/documents/guide.js';
import { convertDocxToPdf } from '../src/documents/pdf.js';
import { loadTemplate } from '../src/documents/template.js';
import { PACKAGE_ROOT } from '../src/package-paths.js';

export const GUIDE_DOC = join(PACKAGE_ROOT, 'docs', 'vejledning.md');

/** The guide as a PDF, through the same LibreOffice conversion as the agendas. */
export async function guidePdf(): Promise<Uint8Array> {
  const [converted] = await convertDocxToPdf([{ docx: await buildGuideDocx(await loadTemplate()), name: 'vejledning' }]);
  return converted!.pdf;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--pdf');
  if (at >= 0) {
    const out = process.argv[at + 1] ?? 'vejledning.pdf';
    await writeFile(out, await guidePdf());
    console.log(`Skrev vejledningen som PDF: ${out}`);
  } else {
    await writeFile(GUIDE_DOC, guideMarkdown());
    console.log('Updated docs/vejledning.md');
  }
}
