// The runner's renderer: the documents step's files for every edition a run needs, PDFs made in one
// LibreOffice start, handed back as bytes.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentFormat } from '../delivery/ports.js';
import { documentNames } from '../documents/docx.js';
import { documentPath, writeDocuments } from '../documents/files.js';
import type { Template } from '../documents/template.js';
import type { Settings } from '../model.js';
import type { RenderedEdition, Renderer, RenderRequest } from './run.js';

/** `soffice` undefined: LibreOffice is missing, and the run publishes .docx only. */
export function documentRenderer(template: Template, soffice: string | undefined): Renderer {
  const formats: readonly DocumentFormat[] = soffice ? ['docx', 'pdf'] : ['docx'];
  return {
    formats,
    async renderAll(requests: readonly RenderRequest[], settings: Settings): Promise<RenderedEdition[]> {
      if (requests.length === 0) return [];
      const dir = await mkdtemp(join(tmpdir(), 'dagsorden-render-'));
      try {
        const docs = requests.map((r) => ({ meeting: r.meeting, kind: r.document, edition: r.edition }));
        await writeDocuments(docs, settings, template, dir, { formats: new Set(formats), soffice });
        return Promise.all(
          docs.map(async (d) => {
            const files = new Map<DocumentFormat, Uint8Array>();
            for (const f of formats) files.set(f, await readFile(documentPath(dir, d, f)));
            const names = documentNames(d.meeting, d.kind, template);
            return { files, title: names.title, fileStem: names.title };
          }),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
