// Writes a run's documents to disk: every .docx, then all PDFs in one LibreOffice start, then the
// .docx again with the page numbers the PDF's layout gave (so Word shows them without updating).

import { pathInside } from '../local/paths.js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentFormat } from '../delivery/ports.js';
import type { Meeting, Settings } from '../model.js';
import { buildDocx, itemHeadingPrefix } from './docx.js';
import type { DocumentKind, Edition } from './edition.js';
import { convertToPdfFiles, readPdfLayout } from './pdf.js';
import { bundledTemplateSync, fill, type Template } from './template.js';

export interface DocumentRequest {
  readonly meeting: Meeting;
  readonly kind: DocumentKind;
  readonly edition: Edition;
  /** A preview: every page marked "KLADDE – ikke udsendt". */
  readonly draft?: boolean;
}

export interface WriteDocumentsOptions {
  readonly formats: ReadonlySet<DocumentFormat>;
  /** The LibreOffice program; undefined when it is not installed (then only .docx is written). */
  readonly soffice: string | undefined;
}

export interface WrittenDocuments {
  /** Every file written, in request order, .docx before .pdf. */
  readonly files: string[];
  /** PDFs were asked for but LibreOffice is missing: .docx was written instead. */
  readonly pdfSkipped: boolean;
}

/** A Møde-id as a folder name: characters no file system allows become `-`. */
export function folderName(meetingId: string): string {
  // eslint-disable-next-line no-control-regex
  return meetingId.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '-').replace(/^\.+/, '-') || '-';
}

const UNSAFE_IN_FILE_NAMES = /[\\/:*?"<>|\u0000-\u001f\u007f]+/g; // eslint-disable-line no-control-regex

/**
 * The name a published file gets, saying what it is: `Dagsorden Chefforum 2022-03-24 (offentlig).pdf`,
 * `Referat Chefforum 2022-11-09 (Medlemsudgave – fortrolig).pdf`. Holds nothing of any item, so it is
 * safe for every edition; characters no file system or Drive allows become `-`.
 */
export function documentFileName(meeting: Pick<Meeting, 'forum' | 'date'>, kind: DocumentKind, edition: Edition, format: DocumentFormat, template: Template = bundledTemplateSync()): string {
  const p = template.phrases;
  // NOTE: a forum name is the secretary's text; a long one is cut so the name stays within 255 bytes.
  const forum = meeting.forum.replace(UNSAFE_IN_FILE_NAMES, '-').replace(/\s+/g, ' ').trim().slice(0, 80);
  const stem = fill(p.fileName, { dokumentnavn: p.kindName[kind], forum, isodato: meeting.date, udgave: p.fileEdition[edition] });
  return `${stem.replace(UNSAFE_IN_FILE_NAMES, '-').replace(/^\.+/, '').trim()}.${format}`;
}

/** `DIR/<Møde-id>/<kind>-<edition>.<format>` */
export function documentPath(outDir: string, request: Pick<DocumentRequest, 'kind' | 'edition'> & { meeting: Pick<Meeting, 'id'> }, format: DocumentFormat): string {
  return pathInside(outDir, folderName(request.meeting.id), `${request.kind}-${request.edition}.${format}`);
}

export async function writeDocuments(
  requests: readonly DocumentRequest[],
  settings: Settings,
  template: Template,
  outDir: string,
  options: WriteDocumentsOptions,
): Promise<WrittenDocuments> {
  const wantPdf = options.formats.has('pdf');
  const makePdf = wantPdf && options.soffice !== undefined;
  // NOTE: without LibreOffice the .docx is the only document the user gets, so it is written even when
  // only PDF was asked for.
  const keepDocx = options.formats.has('docx') || !makePdf;
  const scratch = keepDocx ? undefined : await mkdtemp(join(tmpdir(), 'dagsorden-docx-'));
  try {
    const docxPaths = requests.map((r, i) => (scratch ? join(scratch, `${i}.docx`) : documentPath(outDir, r, 'docx')));
    await Promise.all(
      requests.map(async (r, i) => {
        // NOTE: without a PDF to read the pages from, Word gets the layout estimate's page numbers.
        const bytes = await buildDocx(r.meeting, settings, r.kind, r.edition, template, { estimatePages: !makePdf, draft: r.draft });
        if (!scratch) await mkdir(join(outDir, folderName(r.meeting.id)), { recursive: true });
        await writeFile(docxPaths[i]!, bytes);
      }),
    );
    const files = keepDocx ? [...docxPaths] : [];
    if (makePdf) {
      const pdfPaths = requests.map((r) => documentPath(outDir, r, 'pdf'));
      await convertToPdfFiles(
        requests.map((_, i) => ({ docx: docxPaths[i]!, pdf: pdfPaths[i]! })),
        { soffice: options.soffice },
      );
      files.push(...pdfPaths);
      if (keepDocx) {
        const prefix = itemHeadingPrefix(template);
        await Promise.all(
          requests.map(async (r, i) => {
            // Without pdftohtml to read the PDF's pages, the layout estimate's are the next best.
            const layout = await readPdfLayout(pdfPaths[i]!, prefix);
            const bytes = await buildDocx(r.meeting, settings, r.kind, r.edition, template, { ...(layout ?? { estimatePages: true }), draft: r.draft });
            await writeFile(docxPaths[i]!, bytes);
          }),
        );
      }
    }
    return { files, pdfSkipped: wantPdf && !makePdf };
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}
