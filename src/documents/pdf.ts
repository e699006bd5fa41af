// Turns .docx bytes into tagged, accessible PDF bytes with LibreOffice, all of a run's documents in
// one LibreOffice start; and reads back where each item starts in a finished PDF.

import { execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { UserError } from '../errors.js';
import { repairTaggedPdf } from './pdf-repair.js';

const execFileAsync = promisify(execFile);

/** What to tell a user without LibreOffice. */
export const LIBREOFFICE_HINT = [
  'LibreOffice blev ikke fundet, så der er kun lavet .docx-filer (ingen PDF).',
  'Installér LibreOffice for at få PDF:',
  '  Debian/Ubuntu: sudo apt-get install libreoffice-writer',
  '  macOS:         brew install --cask libreoffice',
  '  Windows:       hent LibreOffice fra https://da.libreoffice.org/download/',
  'Eller angiv stien til programmet soffice i miljøvariablen DAGSORDEN_SOFFICE.',
].join('\n');

/**
 * PDF export settings. NOTE: PDF/UA (which implies a tagged PDF, the document title shown in the
 * window, and the language) is what Danish public bodies' accessibility rules ask of a published PDF;
 * the headings become the PDF's bookmarks.
 */
const PDF_FILTER_OPTIONS = {
  UseTaggedPDF: { type: 'boolean', value: 'true' },
  PDFUACompliance: { type: 'boolean', value: 'true' },
  ExportBookmarks: { type: 'boolean', value: 'true' },
  ExportNotes: { type: 'boolean', value: 'false' },
  // NOTE: a bilag's link is relative (its copy beside the document); kept relative, not made a path on this machine.
  ExportLinksRelativeFsys: { type: 'boolean', value: 'true' },
};

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** The LibreOffice program, or undefined when it is not installed. */
export function findSoffice(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.DAGSORDEN_SOFFICE;
  if (configured) return isFile(configured) ? configured : undefined;
  const names = process.platform === 'win32' ? ['soffice.exe', 'soffice.com'] : ['soffice', 'libreoffice'];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) if (isFile(join(dir, name))) return join(dir, name);
  }
  const known = [
    '/usr/lib/libreoffice/program/soffice',
    '/opt/libreoffice/program/soffice',
    '/Applications/LibreOffice.app/Contents/MacOS/soffice',
    'C:\\Program Files\\LibreOffice\\program\\soffice.exe',
  ];
  return known.find(isFile);
}

/** One .docx to convert, in memory. */
interface PdfJob {
  readonly docx: Uint8Array;
  /** What the document is, for a message about it: `Dagsorden Chefforum 2022-03-24 (offentlig)`. */
  readonly name: string;
}

interface ConvertOptions {
  /** Default: `findSoffice()`. */
  readonly soffice?: string;
  /** Default: two minutes plus 15 seconds a file. */
  readonly timeoutMs?: number;
  /** Default true: put right what LibreOffice writes wrong (pdf-repair.ts). False shows LibreOffice's own output. */
  readonly repair?: boolean;
  /**
   * The item headings' text before the number (`itemHeadingPrefix`): given, each PDF's layout (where
   * each item starts) is read as well, while the PDF is still on disk for pdftohtml.
   */
  readonly itemPrefix?: string;
}

export interface ConvertedPdf {
  readonly pdf: Uint8Array;
  /** Undefined without `itemPrefix`, without pdftohtml, or when the PDF has no item bookmarks. */
  readonly layout: PdfLayout | undefined;
}

function runSoffice(soffice: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolvePromise, reject) => {
    // NOTE: detached, so that on a timeout the whole process group LibreOffice started can be ended.
    const child = spawn(soffice, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output, timedOut });
    });
  });
}

/**
 * Converts every .docx to a PDF in a single LibreOffice start and returns the PDFs in job order.
 * NOTE: LibreOffice reads and writes only files, so this is the one step with a temporary folder; it
 * is its own, with a LibreOffice profile of its own (runs at the same time do not get in each
 * other's way), and it is gone when this returns.
 */
export async function convertDocxToPdf(jobs: readonly PdfJob[], options: ConvertOptions = {}): Promise<ConvertedPdf[]> {
  if (jobs.length === 0) return [];
  const soffice = options.soffice ?? findSoffice();
  if (!soffice) throw new UserError('config', LIBREOFFICE_HINT);
  const work = await mkdtemp(join(tmpdir(), 'dagsorden-pdf-'));
  try {
    const inDir = join(work, 'ind');
    const outDir = join(work, 'ud');
    await Promise.all([mkdir(inDir), mkdir(outDir)]);
    // NOTE: numbered names: two meetings' documents of the same kind and edition must not overwrite each other.
    const staged = jobs.map((_, i) => join(inDir, `${i}.docx`));
    await Promise.all(jobs.map((job, i) => writeFile(staged[i]!, job.docx)));
    const args = [
      '--headless',
      '--norestore',
      '--nologo',
      '--nodefault',
      '--nolockcheck',
      `-env:UserInstallation=${pathToFileURL(join(work, 'profil')).href}`,
      '--convert-to',
      `pdf:writer_pdf_Export:${JSON.stringify(PDF_FILTER_OPTIONS)}`,
      '--outdir',
      outDir,
      ...staged,
    ];
    const timeoutMs = options.timeoutMs ?? 120_000 + 15_000 * jobs.length;
    let result: Awaited<ReturnType<typeof runSoffice>>;
    try {
      result = await runSoffice(soffice, args, timeoutMs);
    } catch (e) {
      throw new UserError('service', `LibreOffice (${soffice}) kunne ikke startes: ${(e as Error).message}. Tjek installationen, eller angiv stien i DAGSORDEN_SOFFICE.`);
    }
    const made = jobs.map((_, i) => join(outDir, `${i}.pdf`));
    const pdfs: Uint8Array[] = [];
    for (const [i, job] of jobs.entries()) {
      if (!existsSync(made[i]!)) {
        const why = result.timedOut ? `LibreOffice blev stoppet efter ${Math.round(timeoutMs / 1000)} sekunder` : `LibreOffice sluttede med kode ${result.code}`;
        throw new UserError(
          'service',
          `PDF af ${job.name} blev ikke lavet (${why}). Prøv igen; sker det igen, så lav .docx-filen med dagsorden render --format docx, og åbn den i LibreOffice for at se, om den kan vises.\n${result.output.trim().slice(-800)}`,
        );
      }
      let pdf: Uint8Array = await readFile(made[i]!);
      if (options.repair !== false) {
        pdf = await repairTaggedPdf(pdf);
        // The layout is read from the PDF as it is published: the repaired one.
        if (options.itemPrefix !== undefined) await writeFile(made[i]!, pdf);
      }
      pdfs.push(pdf);
    }
    const prefix = options.itemPrefix;
    const layouts = prefix === undefined ? [] : await Promise.all(made.map((path) => readPdfLayout(path, prefix)));
    return pdfs.map((pdf, i) => ({ pdf, layout: layouts[i] }));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

interface PdfLayout {
  /** Page each item starts on, by item number. */
  readonly itemPages: ReadonlyMap<number, number>;
  readonly pageCount: number;
}

const decodeXml = (s: string): string =>
  s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (whole, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (e in named) return named[e]!;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
  });

/**
 * Where each item starts in a PDF made from our .docx: the PDF's top-level bookmarks are the items'
 * headings (`Punkt 3: ...`), each with its page. `itemPrefix` is the heading's text before the number.
 * Undefined when poppler's pdftohtml is not installed or the PDF has no such bookmarks.
 */
export async function readPdfLayout(pdfPath: string, itemPrefix: string): Promise<PdfLayout | undefined> {
  let xml: string;
  try {
    ({ stdout: xml } = await execFileAsync('pdftohtml', ['-xml', '-i', '-q', '-stdout', pdfPath], { maxBuffer: 64 * 1024 * 1024 }));
  } catch {
    return undefined;
  }
  const pageCount = [...xml.matchAll(/<page number="\d+"/g)].length;
  const itemPages = new Map<number, number>();
  let depth = 0;
  for (const m of xml.matchAll(/<outline>|<\/outline>|<item page="(\d+)">([\s\S]*?)<\/item>/g)) {
    if (m[0] === '<outline>') depth++;
    else if (m[0] === '</outline>') depth--;
    else if (depth === 1) {
      const title = decodeXml(m[2]!).trim();
      if (!title.startsWith(itemPrefix)) continue;
      const number = /^\d+/.exec(title.slice(itemPrefix.length));
      if (number) itemPages.set(Number(number[0]), Number(m[1]));
    }
  }
  return itemPages.size && pageCount ? { itemPages, pageCount } : undefined;
}

/**
 * Converts office files (Word, PowerPoint, Excel, OpenDocument) to PDF in one LibreOffice start; each
 * result is the PDF's bytes, or undefined when LibreOffice could not open that file (a corrupt file,
 * a password): the caller says so at the file's cell. LibreOffice picks the export filter by type.
 */
export async function convertOfficeToPdf(files: readonly { readonly bytes: Uint8Array; readonly extension: string }[], soffice: string, timeoutMs = 120_000 + 30_000 * files.length): Promise<(Uint8Array | undefined)[]> {
  if (files.length === 0) return [];
  const work = await mkdtemp(join(tmpdir(), 'dagsorden-bilag-'));
  try {
    const inDir = join(work, 'ind');
    const outDir = join(work, 'ud');
    await Promise.all([mkdir(inDir), mkdir(outDir)]);
    const staged = files.map((f, i) => join(inDir, `${i}.${f.extension.replace(/[^a-z0-9]/gi, '')}`));
    await Promise.all(files.map((f, i) => writeFile(staged[i]!, f.bytes)));
    const args = ['--headless', '--norestore', '--nologo', '--nodefault', '--nolockcheck', `-env:UserInstallation=${pathToFileURL(join(work, 'profil')).href}`, '--convert-to', 'pdf', '--outdir', outDir, ...staged];
    try {
      await runSoffice(soffice, args, timeoutMs);
    } catch (e) {
      throw new UserError('service', `LibreOffice (${soffice}) kunne ikke startes: ${(e as Error).message}. Tjek installationen, eller angiv stien i DAGSORDEN_SOFFICE.`);
    }
    return await Promise.all(files.map((_, i) => readFile(join(outDir, `${i}.pdf`)).then((b) => (b.length > 0 ? new Uint8Array(b) : undefined), () => undefined)));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
