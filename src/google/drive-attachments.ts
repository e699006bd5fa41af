// Bilag files in Google Drive, named in a Google Sheet by a Drive link or a file smart chip: each read
// by id with `files.get` (name, type, size, checksum, whether it may be downloaded), its bytes
// downloaded (`files.get alt=media`) or, for Google Docs, Sheets and Slides, exported as PDF and in
// the matching office format (`files.export`). A file that cannot be used (gone, not shared with the
// account, a folder, a shortcut, too large, a PDF with a password, ...) is a Danish problem at its
// cell. Only reads: nothing here writes to Drive, least of all to the secretary's own file.
//
// What was read of each file is kept in a small cache file under --out, so that a run with nothing to
// do costs no Drive call: a file is read again when it is new to the workbook, or when its last
// reading is older than `recheckMinutes` and a meeting not yet held uses it (docs/google.md).

import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { drive_v3 } from '@googleapis/drive';
import { ATTACHMENT_FORMATS, extensionOf, MAX_ATTACHMENT_BYTES, type AttachmentSource, type Inspected } from '../validate/bilag-rules.js';
import { convertOfficeToPdf } from '../documents/pdf.js';
import { UserError } from '../errors.js';
import { checkReadable } from '../local/bilag-source.js';
import { writeFileAtomically } from '../local/documents.js';
import { pathInside } from '../documents/safe-path.js';
import type { Attachment, AttachmentFile } from '../model.js';
import type { Google } from './client.js';
import { FOLDER_MIME } from './drive.js';
import { googleErrorFacts, isRateLimit, RetriesExhausted, withRetry, type GoogleErrorFacts } from './retry.js';
import { translateGoogleError } from './translate-error.js';

/** How long a reading of a Drive file is trusted, for a meeting not yet held (DAGSORDEN_DRIVE_BILAG_MINUTES). */
export const DEFAULT_RECHECK_MINUTES = 60;

const SHORTCUT_MIME = 'application/vnd.google-apps.shortcut';
const GOOGLE_APPS = 'application/vnd.google-apps.';

/** Google's own formats that can be a bilag: exported to PDF, and to the office format beside it. */
const GOOGLE_FORMATS: Readonly<Record<string, { readonly extension: 'docx' | 'xlsx' | 'pptx'; readonly what: string }>> = {
  'application/vnd.google-apps.document': { extension: 'docx', what: 'Google Docs-dokument' },
  'application/vnd.google-apps.spreadsheet': { extension: 'xlsx', what: 'Google Sheets-regneark' },
  'application/vnd.google-apps.presentation': { extension: 'pptx', what: 'Google Slides-præsentation' },
};

/** The fields of a file that are read: no content, no sharing. */
const FILE_FIELDS = 'id,name,mimeType,size,sha256Checksum,md5Checksum,modifiedTime,trashed,capabilities/canDownload';

const PDF_MIME = ATTACHMENT_FORMATS.pdf!.mediaType;
const megabytes = (n: number): string => `${Math.round(n / (1024 * 1024))} MB`;
const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** Bytes kept in memory between reading a file and publishing it in the same run, at most. */
const MEMORY_BUDGET = 256 * 1024 * 1024;

export interface DriveAttachmentOptions {
  /** The run's session (the wiring opens it once; the adapter never reads the environment). */
  readonly google: Google | Promise<Google>;
  /** The Sheet the references are in: the cache file is kept per Sheet. */
  readonly spreadsheetId: string;
  /** What was read of each Drive file, between runs (`<out>/.drive-bilag.json`); without it every run reads Drive. */
  readonly cacheFile?: string;
  /** Whether this run keeps what it read (the cache file, the PDFs made by LibreOffice): publishing runs only. */
  readonly save?: boolean;
  /** LibreOffice, for Word, PowerPoint and Excel files kept as files in Drive; without it they get no PDF. */
  readonly soffice?: string;
  /** Where PDFs made of office files are kept by checksum (shared with the embedded default's cache). */
  readonly pdfCacheDir?: string;
  /** Minutes a reading is trusted for a meeting not yet held; 0 reads every file every run. */
  readonly recheckMinutes?: number;
  /** The clock the cache's ages are measured by (ms). */
  readonly now?: () => number;
}

/** What the cache file keeps of one Drive file. */
interface Known {
  readonly readAt: number;
  readonly modifiedTime?: string;
  readonly md5?: string;
  readonly native: boolean;
  readonly file: AttachmentFile;
}

interface CacheFile {
  readonly version: 1;
  readonly spreadsheetId: string;
  readonly files: Record<string, Known>;
}

/** Where a file read in this run comes from, so its bytes can be fetched when it is published. */
interface Origin {
  readonly id: string;
  /** A Google Docs, Sheets or Slides file: exported, not downloaded. */
  readonly native: boolean;
}

type Read = { readonly problem: string } | { readonly known: Known; readonly bytes?: Uint8Array };

const PROBLEM = {
  notFound: (account: string) =>
    `er et link til en fil i Google Drive, som ikke findes, eller som ${account} ikke kan se. Del filen (eller mappen, den ligger i) med ${account} som Læser, eller ret linket. ` +
    '(Er Google-login\'et fra før bilag kunne være Drive-filer, så kør "dagsorden auth" igen: det skal have adgangen til at læse Drive-filer.)',
  noAccess: (account: string, why: string) => `er en fil i Google Drive, som ${account} ikke må læse (${why}). Del filen med ${account} som Læser, og kør igen.`,
  trashed: 'er en fil, der ligger i papirkurven i Google Drive. Gendan filen, eller indsæt et link til en anden fil.',
  folder: 'er et link til en mappe i Google Drive, ikke til en fil. Indsæt et link til selve filen (Del → Kopiér link på filen), ét bilag pr. linje.',
  shortcut: 'er en genvej i Google Drive, ikke selve filen. Åbn genvejen, og indsæt linket til den fil, den peger på.',
  otherGoogle: 'er en Google-fil af en slags, der ikke kan bruges som bilag (kun Google Docs, Sheets og Slides kan). Gem den som PDF, og indsæt et link til PDF\'en.',
  format: `er ikke en fil, der kan bruges som bilag. Brug PDF, Word, PowerPoint eller Excel (${Object.keys(ATTACHMENT_FORMATS).map((e) => '.' + e).join(', ')}), eller et Google Docs-, Sheets- eller Slides-dokument.`,
  tooLarge: (size: number) => `er en fil på ${megabytes(size)}; et bilag må højst fylde ${megabytes(MAX_ATTACHMENT_BYTES)}. Gør filen mindre (fx gem PDF'en med mindre billeder), eller del den i flere bilag.`,
  noDownload: 'er en fil i Google Drive, som ejeren har spærret for download og kopiering for læsere. Bed ejeren slå det fra (Del → tandhjulet), eller læg en kopi, der må hentes, i Drive.',
  exportTooLarge: (what: string) => `er et ${what}, der er for stort til, at Google Drive kan gemme det som PDF (Drive eksporterer højst 10 MB). Gem det som PDF (Filer → Download → PDF), læg PDF'en i Drive, og indsæt et link til den.`,
  libreOffice: 'er en fil, som LibreOffice ikke kan åbne og lave til PDF (den er måske beskadiget eller beskyttet med adgangskode). Gem filen igen i Word, PowerPoint eller Excel, eller gem den som PDF.',
} as const;

/** Runs `f` on each item with at most `limit` at a time, keeping the order. */
async function pool<T, R>(items: readonly T[], limit: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The format a Drive file's type or name says it has (`pdf`, `docx`, ...), or undefined. */
function formatOf(mimeType: string, name: string): string | undefined {
  const byType = Object.entries(ATTACHMENT_FORMATS).find(([, f]) => f.mediaType === mimeType)?.[0];
  if (byType) return byType;
  const ext = extensionOf(name);
  return ATTACHMENT_FORMATS[ext] ? ext : undefined;
}

/** `Kort over Lækrogen` of type PDF → `Kort over Lækrogen.pdf`: a copy's name says its format. */
function nameWithExtension(name: string, extension: string): string {
  const base = name.trim() || 'bilag';
  return extensionOf(base) === extension ? base : `${base}.${extension}`;
}

export class DriveAttachmentSource implements AttachmentSource {
  readonly description = 'Google Drive';
  readonly reads = 'drive' as const;
  private session?: Promise<Google>;
  private readonly origins = new Map<string, Origin>(); // sha256 → where the file is
  private readonly memory = new Map<string, { original: Uint8Array; pdf?: Uint8Array }>(); // sha256 → bytes read this run
  private memoryUsed = 0;
  private readonly pdfs = new Map<string, Uint8Array>(); // sha256 → PDF made by LibreOffice, when nothing may be saved

  constructor(private readonly opts: DriveAttachmentOptions) {}

  private google(): Promise<Google> {
    return (this.session ??= Promise.resolve(this.opts.google));
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private async loadCache(): Promise<Record<string, Known>> {
    if (!this.opts.cacheFile) return {};
    try {
      const c = JSON.parse(await readFile(this.opts.cacheFile, 'utf8')) as Partial<CacheFile>;
      return c.version === 1 && c.spreadsheetId === this.opts.spreadsheetId && c.files && typeof c.files === 'object' ? c.files : {};
    } catch {
      return {}; // none yet, or unreadable: read Drive
    }
  }

  private async saveCache(files: Record<string, Known>, before: Record<string, Known>): Promise<void> {
    if (!this.opts.cacheFile || !this.opts.save) return;
    if (JSON.stringify(files) === JSON.stringify(before)) return;
    const content: CacheFile = { version: 1, spreadsheetId: this.opts.spreadsheetId, files };
    await mkdir(dirname(this.opts.cacheFile), { recursive: true });
    await writeFileAtomically(this.opts.cacheFile, JSON.stringify(content, null, 1) + '\n');
  }

  private remember(sha: string, bytes: { original: Uint8Array; pdf?: Uint8Array }): void {
    const size = bytes.original.length + (bytes.pdf?.length ?? 0);
    if (this.memory.has(sha) || this.memoryUsed + size > MEMORY_BUDGET) return;
    this.memory.set(sha, bytes);
    this.memoryUsed += size;
  }

  /** One Drive call under the retry policy. */
  private async call<T>(label: string, f: (drive: drive_v3.Drive, o: { timeout: number }) => Promise<T>): Promise<T> {
    const g = await this.google();
    const drive = await g.drive();
    return withRetry(label, (o) => f(drive, o), g.policy);
  }

  /** A failure that is the file's (gone, not shared): its Danish problem; anything else is thrown as the run's failure. */
  private async problemOf(e: unknown, id: string): Promise<{ problem: string }> {
    const facts: GoogleErrorFacts | undefined = e instanceof RetriesExhausted ? e.facts : googleErrorFacts(e);
    const g = await this.google();
    const account = (await g.account()) ?? 'den Google-konto, dagsorden kører som';
    if (facts?.status === 404) return { problem: PROBLEM.notFound(account) };
    if (facts?.status === 403 && !isRateLimit(facts)) return { problem: PROBLEM.noAccess(account, facts.message ?? facts.reason ?? 'adgang nægtet') };
    throw translateGoogleError(e, { target: { kind: 'file', id }, account, timeoutMs: g.policy.timeoutMs });
  }

  private async download(id: string): Promise<Uint8Array> {
    const res = await this.call('drive.files.get', (drive, o) => drive.files.get({ fileId: id, alt: 'media', supportsAllDrives: true }, { ...o, responseType: 'arraybuffer' }));
    return new Uint8Array(res.data as unknown as ArrayBuffer);
  }

  private async exportAs(id: string, mimeType: string): Promise<Uint8Array> {
    const res = await this.call('drive.files.export', (drive, o) => drive.files.export({ fileId: id, mimeType }, { ...o, responseType: 'arraybuffer' }));
    return new Uint8Array(res.data as unknown as ArrayBuffer);
  }

  /** A Google Docs, Sheets or Slides file: both exports, or the problem Drive's export limit makes. */
  private async exportBoth(id: string, extension: 'docx' | 'xlsx' | 'pptx'): Promise<{ original: Uint8Array; pdf: Uint8Array } | { problem: string }> {
    try {
      const original = await this.exportAs(id, ATTACHMENT_FORMATS[extension]!.mediaType);
      const pdf = await this.exportAs(id, PDF_MIME);
      return { original, pdf };
    } catch (e) {
      const facts = e instanceof RetriesExhausted ? e.facts : googleErrorFacts(e);
      if (facts?.status === 403 && /exportSizeLimitExceeded|too large/i.test(`${facts.reason ?? ''} ${facts.message ?? ''}`)) return { problem: PROBLEM.exportTooLarge(GOOGLE_FORMATS[Object.keys(GOOGLE_FORMATS).find((k) => GOOGLE_FORMATS[k]!.extension === extension)!]!.what) };
      return this.problemOf(e, id);
    }
  }

  /** Reads one file from Drive; `known` is what an earlier run read (its bytes are not fetched again when unchanged). */
  private async readOne(id: string, known: Known | undefined): Promise<Read> {
    let meta: drive_v3.Schema$File;
    try {
      meta = (await this.call('drive.files.get', (drive, o) => drive.files.get({ fileId: id, fields: FILE_FIELDS, supportsAllDrives: true }, o))).data;
    } catch (e) {
      return this.problemOf(e, id);
    }
    const mimeType = meta.mimeType ?? '';
    const readAt = this.now();
    if (meta.trashed) return { problem: PROBLEM.trashed };
    if (mimeType === FOLDER_MIME) return { problem: PROBLEM.folder };
    if (mimeType === SHORTCUT_MIME) return { problem: PROBLEM.shortcut };
    const google = GOOGLE_FORMATS[mimeType];
    if (google) {
      // NOTE: a Google file has no checksum, and its exports differ byte for byte each time: its id and
      // the time it was last changed stand for its content.
      const fingerprint = sha256(`drive:${id}:${meta.modifiedTime ?? ''}`);
      const name = nameWithExtension(meta.name ?? '', google.extension);
      if (known?.native && known.file.sha256 === fingerprint && known.file.name === name) return { known: { ...known, readAt } };
      const both = await this.exportBoth(id, google.extension);
      if ('problem' in both) return both;
      const file: AttachmentFile = { name, mediaType: ATTACHMENT_FORMATS[google.extension]!.mediaType, size: both.original.length, sha256: fingerprint };
      this.remember(fingerprint, both);
      return { known: { readAt, ...(meta.modifiedTime ? { modifiedTime: meta.modifiedTime } : {}), native: true, file } };
    }
    if (mimeType.startsWith(GOOGLE_APPS)) return { problem: PROBLEM.otherGoogle };
    const extension = formatOf(mimeType, meta.name ?? '');
    if (!extension) return { problem: PROBLEM.format };
    const size = Number(meta.size ?? 0);
    if (size > MAX_ATTACHMENT_BYTES) return { problem: PROBLEM.tooLarge(size) };
    if (meta.capabilities?.canDownload === false) return { problem: PROBLEM.noDownload };
    const name = nameWithExtension(meta.name ?? '', extension);
    const unchanged = known && !known.native && known.file.name === name && ((meta.sha256Checksum && known.file.sha256 === meta.sha256Checksum) || (!meta.sha256Checksum && meta.md5Checksum && known.md5 === meta.md5Checksum));
    if (unchanged) return { known: { ...known, readAt } };
    let bytes: Uint8Array;
    try {
      bytes = await this.download(id);
    } catch (e) {
      return this.problemOf(e, id);
    }
    if (bytes.length > MAX_ATTACHMENT_BYTES) return { problem: PROBLEM.tooLarge(bytes.length) };
    const problem = await checkReadable(bytes, extension);
    if (problem) return { problem };
    const file: AttachmentFile = { name, mediaType: ATTACHMENT_FORMATS[extension]!.mediaType, size: bytes.length, sha256: sha256(bytes) };
    this.remember(file.sha256, { original: bytes });
    return { known: { readAt, ...(meta.modifiedTime ? { modifiedTime: meta.modifiedTime } : {}), ...(meta.md5Checksum ? { md5: meta.md5Checksum } : {}), native: false, file }, bytes };
  }

  private pdfCachePath(sha: string): string | undefined {
    return this.opts.pdfCacheDir ? pathInside(this.opts.pdfCacheDir, `${sha}.pdf`) : undefined;
  }

  private async cachedPdf(sha: string): Promise<Uint8Array | undefined> {
    const inMemory = this.pdfs.get(sha) ?? this.memory.get(sha)?.pdf;
    if (inMemory) return inMemory;
    const path = this.pdfCachePath(sha);
    return path ? readFile(path).then((b) => new Uint8Array(b), () => undefined) : undefined;
  }

  private async keepPdf(sha: string, pdf: Uint8Array): Promise<void> {
    const path = this.pdfCachePath(sha);
    if (path && this.opts.save) {
      await mkdir(this.opts.pdfCacheDir!, { recursive: true });
      await writeFileAtomically(path, pdf);
    } else this.pdfs.set(sha, pdf);
  }

  async inspectAll(attachments: readonly Attachment[], options: { readonly settled?: readonly boolean[] } = {}): Promise<Inspected[]> {
    // One reading per file, however many items name it; settled only when every one is.
    const ids = new Map<string, boolean>();
    attachments.forEach((a, i) => a.drive && ids.set(a.drive, (ids.get(a.drive) ?? true) && (options.settled?.[i] ?? false)));
    const cache = await this.loadCache();
    const now = this.now();
    const trust = (this.opts.recheckMinutes ?? DEFAULT_RECHECK_MINUTES) * 60_000;
    const fresh = (k: Known | undefined, settled: boolean): k is Known => !!k && trust > 0 && (settled || now - k.readAt < trust);
    const reads = new Map<string, Read>();
    const toRead = [...ids].filter(([id, settled]) => {
      const k = cache[id];
      if (fresh(k, settled)) reads.set(id, { known: k });
      return !fresh(k, settled);
    });
    for (const [[id], read] of (await pool(toRead, 4, ([id]) => this.readOne(id, cache[id]))).map((r, i) => [toRead[i]!, r] as const)) reads.set(id, read);

    // Office files kept as files in Drive without a PDF yet: converted now, in one LibreOffice start.
    const todo: { id: string; known: Known; bytes: Uint8Array }[] = [];
    for (const [id, r] of reads) {
      if (!('known' in r) || !r.bytes || !this.opts.soffice || !ATTACHMENT_FORMATS[extensionOf(r.known.file.name)]?.office) continue;
      if (todo.some((t) => t.known.file.sha256 === r.known.file.sha256) || (await this.cachedPdf(r.known.file.sha256))) continue;
      todo.push({ id, known: r.known, bytes: r.bytes });
    }
    const converted = this.opts.soffice ? await convertOfficeToPdf(todo.map((t) => ({ bytes: t.bytes, extension: extensionOf(t.known.file.name) })), this.opts.soffice) : [];
    const failed = new Set<string>();
    for (const [i, t] of todo.entries()) {
      const pdf = converted[i];
      if (pdf) await this.keepPdf(t.known.file.sha256, pdf);
      else failed.add(t.known.file.sha256);
    }

    const keep: Record<string, Known> = {};
    for (const [id, r] of reads) {
      if (!('known' in r) || failed.has(r.known.file.sha256)) continue;
      keep[id] = r.known;
      this.origins.set(r.known.file.sha256, { id, native: r.known.native });
    }
    await this.saveCache(keep, cache);
    return attachments.map((a): Inspected => {
      const r = reads.get(a.drive ?? '');
      if (!r) return { problem: PROBLEM.notFound('dagsorden') };
      if ('problem' in r) return r;
      return failed.has(r.known.file.sha256) ? { problem: PROBLEM.libreOffice } : { file: r.known.file };
    });
  }

  /**
   * A file read earlier (perhaps by an earlier run) could not be fetched now. Gone or no longer shared:
   * it is forgotten, so the next run reads it again and says so at its cell; the run stops here, before
   * anything of it is published. Anything else (Drive unavailable) stops the run the usual way.
   */
  private async lost(e: unknown, id: string, file: AttachmentFile): Promise<never> {
    const facts = e === undefined ? undefined : e instanceof RetriesExhausted ? e.facts : googleErrorFacts(e);
    const g = await this.google();
    if (e !== undefined && !(facts && (facts.status === 404 || (facts.status === 403 && !isRateLimit(facts))))) {
      throw translateGoogleError(e, { target: { kind: 'file', id, name: file.name }, account: await g.account(), timeoutMs: g.policy.timeoutMs });
    }
    const cache = await this.loadCache();
    if (cache[id]) {
      const rest = { ...cache };
      delete rest[id];
      await this.saveCache(rest, cache);
    }
    throw new UserError('service', `Bilagsfilen ${file.name} kunne ikke hentes fra Google Drive (den er slettet, ikke længere delt med kontoen, eller for stor til at blive eksporteret). Den er ikke kopieret; næste kørsel viser fejlen ved bilagets celle i Punkter.`);
  }

  async contents(file: AttachmentFile): Promise<{ readonly original: Uint8Array; readonly pdf: Uint8Array | undefined }> {
    const origin = this.origins.get(file.sha256);
    if (!origin) throw new Error(`contents: ${file.sha256} was not read by inspectAll`);
    const extension = extensionOf(file.name);
    const held = this.memory.get(file.sha256);
    if (origin.native) {
      if (held?.pdf) return { original: held.original, pdf: held.pdf };
      const both = await this.exportBoth(origin.id, extension as 'docx' | 'xlsx' | 'pptx').catch((e: unknown) => this.lost(e, origin.id, file));
      if ('problem' in both) return this.lost(undefined, origin.id, file);
      this.remember(file.sha256, both);
      return both;
    }
    let original = held?.original;
    if (!original) {
      original = await this.download(origin.id).catch((e: unknown) => this.lost(e, origin.id, file));
      // NOTE: the file was read (and checked) earlier; what is published must be what was checked.
      if (sha256(original) !== file.sha256) throw new UserError('service', `Bilagsfilen ${file.name} i Google Drive blev ændret, mens kørslen udgav den; næste kørsel udgiver den nye.`);
      this.remember(file.sha256, { original });
    }
    if (extension === 'pdf') return { original, pdf: original };
    let pdf = await this.cachedPdf(file.sha256);
    if (!pdf && this.opts.soffice && ATTACHMENT_FORMATS[extension]?.office) {
      pdf = (await convertOfficeToPdf([{ bytes: original, extension }], this.opts.soffice))[0];
      if (pdf) await this.keepPdf(file.sha256, pdf);
    }
    return { original, pdf };
  }
}

export function driveAttachmentSource(opts: DriveAttachmentOptions): DriveAttachmentSource {
  return new DriveAttachmentSource(opts);
}
