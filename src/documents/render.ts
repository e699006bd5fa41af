// A run's documents as bytes, made in memory: every .docx, then all PDFs in one LibreOffice start,
// then the .docx again with the page numbers the PDF's layout gave (so Word shows them without
// updating). The caller decides where the bytes go: the render command's folder, or a document store.

import type { DocumentFormat } from './files.js';
import type { Meeting, Settings } from '../model.js';
import { buildDocx, documentNames, itemHeadingPrefix } from './docx.js';
import type { DocumentKind, Edition } from './edition.js';
import { documentFileName } from './files.js';
import { renderingFingerprint } from './hash.js';
import { convertDocxToPdf, type ConvertedPdf } from './pdf.js';
import type { Template } from './template.js';

/** One edition of one meeting's document. */
export interface RenderRequest {
  readonly meeting: Meeting;
  readonly kind: DocumentKind;
  readonly edition: Edition;
  /** A preview: every page marked "KLADDE – ikke udsendt". */
  readonly draft?: boolean;
}

/** One rendered edition of a document. */
export interface RenderedDocument {
  /** The formats made, as bytes: .docx before .pdf. */
  readonly files: ReadonlyMap<DocumentFormat, Uint8Array>;
  /** `Dagsorden Chefforum 24-03-2022`: safe for every edition (never an item's title). */
  readonly title: string;
  /** `Dagsorden Chefforum 2022-03-24 (offentlig)`: the file name without extension (documentFileName). */
  readonly fileStem: string;
}

interface RenderDocumentsOptions {
  readonly formats: ReadonlySet<DocumentFormat>;
  /** The LibreOffice program; undefined when it is not installed (then only .docx is made). */
  readonly soffice: string | undefined;
}

/**
 * Renders every request, in request order. PDFs asked for without LibreOffice are left out, and the
 * .docx is made instead (a document missing its PDF shows as `files` without `pdf`).
 */
export async function renderDocuments(requests: readonly RenderRequest[], settings: Settings, template: Template, options: RenderDocumentsOptions): Promise<RenderedDocument[]> {
  const makePdf = options.formats.has('pdf') && options.soffice !== undefined;
  // NOTE: without LibreOffice the .docx is the only document the user gets, so it is made even when
  // only PDF was asked for.
  const keepDocx = options.formats.has('docx') || !makePdf;
  // NOTE: without a PDF to read the pages from, Word gets the layout estimate's page numbers.
  let docx = await Promise.all(requests.map((r) => buildDocx(r.meeting, settings, r.kind, r.edition, template, { estimatePages: !makePdf, draft: r.draft })));
  const stems = requests.map((r) => documentFileName(r.meeting, r.kind, r.edition, 'pdf', template).replace(/\.pdf$/, ''));
  let pdfs: readonly ConvertedPdf[] = [];
  if (makePdf) {
    pdfs = await convertDocxToPdf(
      requests.map((_, i) => ({ docx: docx[i]!, name: stems[i]! })),
      { soffice: options.soffice, ...(keepDocx ? { itemPrefix: itemHeadingPrefix(template) } : {}) },
    );
    if (keepDocx) {
      // Without pdftohtml to read the PDF's pages, the layout estimate's are the next best.
      docx = await Promise.all(requests.map((r, i) => buildDocx(r.meeting, settings, r.kind, r.edition, template, { ...(pdfs[i]!.layout ?? { estimatePages: true }), draft: r.draft })));
    }
  }
  return requests.map((r, i) => {
    const files = new Map<DocumentFormat, Uint8Array>();
    if (keepDocx) files.set('docx', docx[i]!);
    if (makePdf) files.set('pdf', pdfs[i]!.pdf);
    return { files, title: documentNames(r.meeting, r.kind, template, r.edition).title, fileStem: stems[i]! };
  });
}

/**
 * The renderer the publish runner asks for (`formats`, `renderAll`): every format it can make, all
 * PDFs in one LibreOffice start.
 */
export function documentRenderer(template: Template, soffice: string | undefined) {
  const formats: readonly DocumentFormat[] = soffice ? ['docx', 'pdf'] : ['docx'];
  return {
    formats,
    templateFingerprint: renderingFingerprint(template),
    renderAll: (requests: readonly RenderRequest[], settings: Settings): Promise<RenderedDocument[]> => renderDocuments(requests, settings, template, { formats: new Set(formats), soffice }),
  };
}
