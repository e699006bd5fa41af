// The embedded default's bilag files: read from the workbook's folder, `Bilag | bilag/kort.pdf`. Every
// path goes through `pathInside` and the real path (links followed) must stay inside the folder, so
// no reference can read a file elsewhere on the machine. Office files are converted to PDF once per
// content (a cache by checksum), so a run with nothing new starts no LibreOffice.

import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { EncryptedPDFError, PDFDocument } from '@cantoo/pdf-lib';
import { unzipSync } from 'fflate';
import { ATTACHMENT_FORMATS, extensionOf, MAX_ATTACHMENT_BYTES, type AttachmentSource, type Inspected } from '../validate/bilag-rules.js';
import { convertOfficeToPdf } from '../documents/pdf.js';
import type { Attachment, AttachmentFile } from '../model.js';
import { writeFileAtomically } from './documents.js';
import { pathInside } from '../documents/safe-path.js';

/** The part every file of an OOXML format has; without it the file is not what its name says. */
const OOXML_MAIN_PART: Readonly<Record<string, string>> = { docx: 'word/document.xml', pptx: 'ppt/presentation.xml', xlsx: 'xl/workbook.xml' };

export interface LocalAttachmentOptions {
  /** The workbook's folder: references are relative to it. */
  readonly dir: string;
  /** LibreOffice; without it office files are published as they are, with no PDF. */
  readonly soffice?: string;
  /** Where PDFs made of office files are kept by checksum; without it they are made again each run. */
  readonly cacheDir?: string;
}

const megabytes = (n: number): string => `${Math.round(n / (1024 * 1024))} MB`;

export function localAttachmentSource(options: LocalAttachmentOptions): AttachmentSource {
  const root = resolve(options.dir);
  const paths = new Map<string, string>(); // sha256 → path
  const pdfs = new Map<string, Uint8Array>(); // sha256 → converted PDF, when there is no cache folder
  const cachePath = (sha256: string): string | undefined => (options.cacheDir ? pathInside(options.cacheDir, `${sha256}.pdf`) : undefined);

  async function cachedPdf(sha256: string): Promise<Uint8Array | undefined> {
    const inMemory = pdfs.get(sha256);
    if (inMemory) return inMemory;
    const path = cachePath(sha256);
    return path ? readFile(path).then((b) => new Uint8Array(b), () => undefined) : undefined;
  }

  /** Reads one file and checks it can be published; office files are converted later, all at once. */
  async function inspectOne(a: Attachment): Promise<{ problem: string } | { file: AttachmentFile; bytes: Uint8Array }> {
    const segments = a.path!.split('/');
    const path = pathInside(root, ...segments);
    // NOTE: pathInside makes a segment safe by changing it; a changed path is not the secretary's file.
    if (path !== join(root, ...segments)) return { problem: 'har et filnavn, der ikke kan bruges. Omdøb filen, så navnet kun har bogstaver, tal, mellemrum, - og _.' };
    const real = await realpath(path).catch(() => undefined);
    if (!real) return { problem: `henviser til en fil, der ikke findes i mappen ${root}. Læg filen der, eller ret stien (store og små bogstaver tæller).` };
    const realRoot = await realpath(root);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) return { problem: 'henviser til en genvej, der peger uden for regnearkets mappe. Læg selve filen i mappen.' };
    const info = await stat(real);
    if (info.isDirectory()) return { problem: 'henviser til en mappe, ikke en fil. Skriv stien til selve filen, fx bilag/kort.pdf.' };
    if (!info.isFile()) return { problem: 'henviser ikke til en almindelig fil. Skriv stien til en PDF-, Word-, PowerPoint- eller Excel-fil.' };
    const name = segments[segments.length - 1]!;
    const format = ATTACHMENT_FORMATS[extensionOf(name)];
    if (!format) return { problem: `er ikke en fil, der kan bruges som bilag. Brug PDF, Word, PowerPoint eller Excel (${Object.keys(ATTACHMENT_FORMATS).map((e) => '.' + e).join(', ')}).` };
    if (info.size > MAX_ATTACHMENT_BYTES) return { problem: `er en fil på ${megabytes(info.size)}; et bilag må højst fylde ${megabytes(MAX_ATTACHMENT_BYTES)}. Gør filen mindre (fx gem PDF'en med mindre billeder), eller del den i flere bilag.` };
    const bytes = new Uint8Array(await readFile(real));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const problem = await checkReadable(bytes, extensionOf(name));
    if (problem) return { problem };
    paths.set(sha256, real);
    return { file: { name, mediaType: format.mediaType, size: bytes.length, sha256 }, bytes };
  }

  return {
    description: `mappen ${root}`,
    reads: 'path',
    async inspectAll(attachments: readonly Attachment[]): Promise<Inspected[]> {
      const read = await Promise.all(attachments.map((a) => inspectOne(a)));
      // Office files without a PDF yet: converted now, in one LibreOffice start; one it cannot open is a problem.
      const todo: { index: number; file: AttachmentFile; bytes: Uint8Array }[] = [];
      for (const [index, r] of read.entries()) {
        if (!('file' in r) || !ATTACHMENT_FORMATS[extensionOf(r.file.name)]!.office || !options.soffice) continue;
        if (todo.some((t) => t.file.sha256 === r.file.sha256) || (await cachedPdf(r.file.sha256))) continue;
        todo.push({ index, file: r.file, bytes: r.bytes });
      }
      const converted = options.soffice ? await convertOfficeToPdf(todo.map((t) => ({ bytes: t.bytes, extension: extensionOf(t.file.name) })), options.soffice) : [];
      const failed = new Set<string>();
      for (const [i, t] of todo.entries()) {
        const pdf = converted[i];
        if (!pdf) {
          failed.add(t.file.sha256);
          continue;
        }
        const path = cachePath(t.file.sha256);
        if (path) {
          await mkdir(options.cacheDir!, { recursive: true });
          await writeFileAtomically(path, pdf);
        } else pdfs.set(t.file.sha256, pdf);
      }
      return read.map((r): Inspected =>
        'problem' in r
          ? r
          : failed.has(r.file.sha256)
            ? { problem: 'er en fil, som LibreOffice ikke kan åbne og lave til PDF (den er måske beskadiget eller beskyttet med adgangskode). Gem filen igen i Word, PowerPoint eller Excel, eller gem den som PDF.' }
            : { file: r.file },
      );
    },
    async contents(file: AttachmentFile) {
      const path = paths.get(file.sha256);
      if (!path) throw new Error(`contents: ${file.sha256} was not read by inspectAll`);
      const original = new Uint8Array(await readFile(path));
      if (createHash('sha256').update(original).digest('hex') !== file.sha256) throw new Error(`The bilag file ${path} changed while the run was publishing it; the next run publishes the new one.`);
      const pdf = extensionOf(file.name) === 'pdf' ? original : await cachedPdf(file.sha256);
      return { original, pdf };
    },
  };
}

/**
 * Whether a file can be published as what its name says: a PDF that opens without a password; an
 * OOXML file that is a whole zip with its main part. Undefined when it can; else the Danish reason.
 */
export async function checkReadable(bytes: Uint8Array, extension: string): Promise<string | undefined> {
  if (extension === 'pdf') {
    try {
      await PDFDocument.load(bytes, { updateMetadata: false });
      return undefined;
    } catch (e) {
      if (e instanceof EncryptedPDFError) return 'er en PDF-fil med adgangskode eller kryptering. Gem en udgave af PDF\'en uden adgangskode, og henvis til den.';
      return 'er en PDF-fil, der ikke kan læses (den er måske beskadiget eller kun delvis gemt). Gem PDF\'en igen, og henvis til den nye fil.';
    }
  }
  const main = OOXML_MAIN_PART[extension];
  if (main) {
    try {
      const parts = unzipSync(bytes, { filter: (f) => f.name === main || f.name === '[Content_Types].xml' });
      if (parts[main] && parts['[Content_Types].xml']) return undefined;
    } catch {
      // a broken zip: said below
    }
    return `er ikke en hel ${ATTACHMENT_FORMATS[extension]!.label}-fil (den er måske beskadiget, beskyttet med adgangskode eller har en forkert filendelse). Gem filen igen, og henvis til den nye fil.`;
  }
  return undefined;
}
