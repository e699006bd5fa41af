// `dagsorden render`: writes one meeting's dagsorden or referat as .docx and .pdf, in one or both
// editions, to DIR/<Møde-id>/<kind>-<edition>.<format>.

import { heldBackBy } from '../model.js';
import type { DocumentFormat } from '../delivery/ports.js';
import { EDITIONS, type Edition } from '../documents/edition.js';
import { writeDocuments } from '../documents/files.js';
import { findSoffice, LIBREOFFICE_HINT } from '../documents/pdf.js';
import { loadTemplate } from '../documents/template.js';
import { EXIT_CODES, UserError } from '../errors.js';
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
  const written = await writeDocuments(
    editions.map((edition) => ({ meeting, kind: opts.kind, edition })),
    model.settings,
    template,
    opts.out,
    { formats, soffice },
  );
  for (const file of written.files) io.out(`Skrev ${file}`);
  if (written.pdfSkipped) io.err(LIBREOFFICE_HINT);
  return EXIT_CODES.ok;
}
