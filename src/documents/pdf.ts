// Turns .docx files into tagged, accessible PDFs with LibreOffice, all of a run's files in one
// LibreOffice start; and reads back where each item starts in a finished PDF.

import { execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, extname, join, resolve } from 'node:path';
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

export interface ConversionJob {
  readonly docx: string;
  readonly pdf: string;
}

export interface ConvertOptions {
  /** Default: `findSoffice()`. */
  readonly soffice?: string;
  /** Default: two minutes plus 15 seconds a file. */
  readonly timeoutMs?: number;
  /** Default true: put right what LibreOffice writes wrong (pdf-repair.ts). False shows LibreOffice's own output. */
  readonly repair?: boolean;
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

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await copyFile(from, to);
    await unlink(from);
  }
}

/**
 * Converts each job's .docx to its .pdf in a single LibreOffice start. Each call uses a LibreOffice
 * profile of its own, so runs at the same time do not get in each other's way.
 */
export async function convertToPdfFiles(jobs: readonly ConversionJob[], options: ConvertOptions = {}): Promise<string[]> {
  if (jobs.length === 0) return [];
  const soffice = options.soffice ?? findSoffice();
  if (!soffice) throw new UserError('config', LIBREOFFICE_HINT);
  const work = await mkdtemp(join(tmpdir(), 'dagsorden-pdf-'));
  try {
    const inDir = join(work, 'ind');
    const outDir = join(work, 'ud');
    await Promise.all([mkdir(inDir), mkdir(outDir)]);
    // NOTE: copies with numbered names: two meetings' dagsorden-medlemmer.docx must not overwrite each other.
    const staged = jobs.map((job, i) => join(inDir, `${i}-${basename(job.docx, extname(job.docx))}.docx`));
    await Promise.all(jobs.map((job, i) => copyFile(job.docx, staged[i]!)));
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
    const written: string[] = [];
    for (const [i, job] of jobs.entries()) {
      const made = join(outDir, `${basename(staged[i]!, '.docx')}.pdf`);
      if (!existsSync(made)) {
        const why = result.timedOut ? `LibreOffice blev stoppet efter ${Math.round(timeoutMs / 1000)} sekunder` : `LibreOffice sluttede med kode ${result.code}`;
        throw new UserError('service', `PDF af ${job.docx} blev ikke lavet (${why}). Prøv igen; sker det igen, så åbn .docx-filen i LibreOffice og se, om den kan vises.\n${result.output.trim().slice(-800)}`);
      }
      if (options.repair !== false) await writeFile(made, await repairTaggedPdf(await readFile(made)));
      await mkdir(dirname(resolve(job.pdf)), { recursive: true });
      await moveFile(made, job.pdf);
      written.push(job.pdf);
    }
    return written;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface PdfLayout {
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
