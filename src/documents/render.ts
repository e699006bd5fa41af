// What the publish step asks of the documents: a request for one edition of a meeting's document,
// the rendered bytes that come back, and the renderer that makes them.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentFormat } from '../delivery/ports.js';
import type { Meeting, Settings } from '../model.js';
import { documentNames } from './docx.js';
import type { DocumentKind, Edition } from './edition.js';
import { documentFileName, documentPath, writeDocuments } from './files.js';
import { renderingFingerprint } from './hash.js';
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

/**
 * Renders documents to bytes in a temporary folder: all PDFs in one LibreOffice start. The shape
 * the publish runner asks of a renderer (`formats`, `renderAll`).
 */
export function documentRenderer(template: Template, soffice: string | undefined) {
  const formats: readonly DocumentFormat[] = soffice ? ['docx', 'pdf'] : ['docx'];
  return {
    formats,
    templateFingerprint: renderingFingerprint(template),
    async renderAll(requests: readonly RenderRequest[], settings: Settings): Promise<RenderedDocument[]> {
      const dir = await mkdtemp(join(tmpdir(), 'dagsorden-render-'));
      try {
        await writeDocuments(requests, settings, template, dir, { formats: new Set(formats), soffice });
        // NOTE: awaited here, inside try: the folder must outlive every read (returning the pending
        // promise let `finally` remove it while reads were still running).
        return await Promise.all(
          requests.map(async (r) => {
            const files = new Map<DocumentFormat, Uint8Array>();
            for (const f of formats) files.set(f, await readFile(documentPath(dir, r, f)));
            const { title } = documentNames(r.meeting, r.kind, template, r.edition);
            return { files, title, fileStem: documentFileName(r.meeting, r.kind, r.edition, 'pdf', template).replace(/\.pdf$/, '') };
          }),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
