// `dagsorden render`: writes one meeting's dagsorden or referat as .docx and .pdf, in one or both
// editions, to DIR/<Møde-id>/<kind>-<edition>.<format>.

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { heldBackBy } from '../model.js';
import type { DocumentFormat } from '../documents/files.js';
import { EDITIONS, type Edition } from '../documents/edition.js';
import { documentPath } from '../documents/files.js';
import { findSoffice, LIBREOFFICE_HINT } from '../documents/pdf.js';
import { renderDocuments, type RenderedDocument, type RenderRequest } from '../documents/render.js';
import { loadTemplate } from '../documents/template.js';
import { EXIT_CODES, UserError } from '../errors.js';
import { writeFileAtomically } from '../local/documents.js';
import { formatProblems } from '../report/problems.js';
import type { RenderOptions } from './options.js';
import { wire } from './wiring.js';

const FORMATS: readonly DocumentFormat[] = ['docx', 'pdf'];

export interface RenderIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

const defaultIo: RenderIo = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
  env: process.env,
};

export function parseFormats(list: string): Set<DocumentFormat> {
  const asked = list
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  const unknown = asked.filter((f) => !FORMATS.includes(f as DocumentFormat));
  if (unknown.length || asked.length === 0) {
    throw new UserError('usage', `Ukendt format i --format: "${unknown.join(', ') || list}". Skriv docx, pdf eller docx,pdf.`);
  }
  return new Set(asked as DocumentFormat[]);
}

/**
 * Writes each rendered document's files to `DIR/<Møde-id>/<kind>-<edition>.<format>` and returns
 * their paths: every .docx, then every .pdf, each in request order.
 */
export async function writeRenderedDocuments(outDir: string, requests: readonly RenderRequest[], rendered: readonly RenderedDocument[]): Promise<string[]> {
  const files = FORMATS.flatMap((format) => requests.flatMap((r, i) => (rendered[i]!.files.has(format) ? [{ path: documentPath(outDir, r, format), bytes: rendered[i]!.files.get(format)! }] : [])));
  await Promise.all(
    files.map(async (f) => {
      await mkdir(dirname(f.path), { recursive: true });
      await writeFileAtomically(f.path, f.bytes);
    }),
  );
  return files.map((f) => f.path);
}

export async function runRender(opts: RenderOptions, io: RenderIo = defaultIo): Promise<number> {
  const formats = parseFormats(opts.format);
  const { source, model, problems } = await wire(opts, io.env);
  // The meeting's own problems, and those in the structure of Møder and Punkter, hold the documents back.
  const blocking = problems.filter((p) => (p.scope.kind === 'meeting' && p.scope.meetingId === opts.meeting) || p.scope.kind === 'workbook');
  if (heldBackBy(problems).meeting(opts.meeting)) {
    io.err(formatProblems(blocking));
    io.err(`Ret problemerne i regnearket (${source.description}), og kør kommandoen igen. Der er ikke lavet dokumenter.`);
    return EXIT_CODES.problems;
  }
  const others = problems.length - blocking.length;
  if (others) io.err(`Bemærk: regnearket har ${others === 1 ? '1 problem' : `${others} problemer`} andre steder, som ikke berører dette møde. Se dem med: dagsorden validate`);
  const meeting = model.meetings.find((m) => m.id === opts.meeting);
  if (!meeting) {
    const known = model.meetings.map((m) => m.id);
    throw new UserError(
      'usage',
      `Mødet "${opts.meeting}" findes ikke i fanen Møder i ${source.description}.` + (known.length ? ` Kendte møde-id'er: ${known.join(', ')}.` : ' Der er ingen møder i regnearket.'),
    );
  }
  const template = await loadTemplate(io.env.DAGSORDEN_TEMPLATES || undefined);
  const editions: readonly Edition[] = opts.edition ? [opts.edition] : EDITIONS;
  const soffice = formats.has('pdf') ? findSoffice(io.env) : undefined;
  const requests = editions.map((edition) => ({ meeting, kind: opts.kind, edition }));
  const rendered = await renderDocuments(requests, model.settings, template, { formats, soffice });
  for (const file of await writeRenderedDocuments(opts.out, requests, rendered)) io.out(`Skrev ${file}`);
  // PDFs were asked for but LibreOffice is missing: the .docx was made instead.
  if (formats.has('pdf') && rendered.some((r) => !r.files.has('pdf'))) io.err(LIBREOFFICE_HINT);
  return EXIT_CODES.ok;
}
