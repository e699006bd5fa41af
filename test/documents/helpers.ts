// Shared by the document tests: the example's model, reading PDFs and .docx parts, and matching a
// PDF's text against a reference document's lines in order.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import { buildExample } from '../../examples/build-example.js';
import type { WorkbookModel } from '../../src/model.js';
import { readAndValidate } from '../../src/validate/index.js';
import { xlsxSource } from '../../src/local/xlsx.js';

const execFileAsync = promisify(execFile);

/** Copies of shared/reference-documents/*.txt (text of the published PDFs), so CI has them. */
export const REFERENCE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'reference');

/** The bundled example, built from its YAML into a temporary workbook and validated. */
export async function exampleModel(): Promise<WorkbookModel> {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-eksempel-'));
  const file = join(dir, 'chefforum.xlsx');
  await buildExample(file);
  const { model, problems } = await readAndValidate(xlsxSource(file));
  await rm(dir, { recursive: true, force: true });
  if (problems.length) throw new Error(`the example has problems: ${problems.map((p) => p.message).join('; ')}`);
  return model;
}

export async function run(cmd: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(cmd, args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/**
 * The lines of each page. NOTE: `-layout`, because plain pdftotext reads a list's numbers as a column
 * of their own and drops the hyphen of a word broken at the end of a line (covid-19 → covid19).
 */
export async function pdfPages(pdf: string): Promise<string[][]> {
  const text = await run('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-']);
  const pages = text.split('\f');
  if (pages.at(-1)?.trim() === '') pages.pop();
  return pages.map((p) => p.split('\n').map(normaliseSpace).filter(Boolean));
}

export async function pdfInfo(pdf: string): Promise<Record<string, string>> {
  const out = await run('pdfinfo', [pdf]);
  const fields: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) fields[m[1]!] = m[2]!;
  }
  return fields;
}

/** Every part of a .docx, as text. */
export async function docxParts(file: string): Promise<Map<string, string>> {
  const zip = unzipSync(new Uint8Array(await readFile(file)));
  return new Map(Object.entries(zip).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

export const normaliseSpace = (s: string): string => s.replace(/[\s\u00a0]+/g, ' ').trim();

/** A line broken after a hyphen (`Word-` / `format`) joins without the space; so does the reference. */
const joinHyphens = (s: string): string => s.replace(/(\S)- (?=\S)/g, '$1-');

/** Dot leaders of a contents line (`Titel.....\t3`, `Titel ........ 3`) become one space. */
const normaliseLeaders = (s: string): string => s.replace(/\.*\s*\.{3,}\s*/g, ' ');

/** A reference line as our document should print it. */
export function normaliseReferenceLine(line: string): string {
  let s = line.replace(/^\s*#+\s*/, '').replace(/\*\*/g, '');
  s = s.replace(/^\s*Sak (\d+):/, 'Punkt $1:').replace(/^\s*Vedlegg\s*$/, 'Bilag');
  s = s.replace(/^\s*[-*]\s+/, ''); // bullets print as a symbol, not a hyphen
  return joinHyphens(normaliseSpace(normaliseLeaders(s)));
}

export async function referenceLines(file: string): Promise<string[]> {
  const text = await readFile(join(REFERENCE_DIR, file), 'utf8');
  return text.split('\n').map(normaliseReferenceLine).filter(Boolean);
}

export interface PdfStream {
  /** The body text of all pages, whitespace-normalised, one space between lines. */
  readonly text: string;
  /** Offsets in `text` where a PDF line starts, and where one ends. */
  readonly lineStarts: ReadonlySet<number>;
  readonly lineEnds: ReadonlySet<number>;
}

/** The pages' lines without the running header and footer, as one stream. */
export function pdfStream(pages: readonly (readonly string[])[], isRunningLine: (line: string) => boolean): PdfStream {
  let text = '';
  const lineStarts = new Set<number>();
  const lineEnds = new Set<number>();
  for (const page of pages) {
    for (const raw of page) {
      if (isRunningLine(raw)) continue;
      const line = joinHyphens(normaliseSpace(normaliseLeaders(raw.replace(/[•◦▪]/g, ' '))));
      if (!line) continue;
      if (text && !/\S-$/.test(text)) text += ' ';
      lineStarts.add(text.length);
      text += line;
      lineEnds.add(text.length);
    }
  }
  return { text, lineStarts, lineEnds };
}

function occurrences(text: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) out.push(i);
  return out;
}

export interface LineMatch {
  readonly matched: readonly boolean[];
  readonly count: number;
}

/**
 * The largest set of reference lines found in the stream in order, without overlapping (a longest
 * common subsequence in which a line may span wrapped PDF lines). A line for which `wholeLine` is
 * true must start and end where PDF lines do, so it is found as its own line(s), exactly.
 */
export function matchInOrder(lines: readonly string[], stream: PdfStream, wholeLine: (line: string) => boolean = () => false): LineMatch {
  interface Node {
    readonly line: number;
    readonly prev: Node | undefined;
  }
  // best[k]: the smallest end offset at which k lines can have been matched, with how.
  const best: { end: number; node: Node | undefined }[] = [{ end: 0, node: undefined }];
  lines.forEach((line, i) => {
    let starts = occurrences(stream.text, line);
    if (wholeLine(line)) starts = starts.filter((s) => stream.lineStarts.has(s) && stream.lineEnds.has(s + line.length));
    if (starts.length === 0) return;
    for (let k = best.length - 1; k >= 0; k--) {
      const from = best[k]!.end;
      const start = starts.find((s) => s >= from);
      if (start === undefined) continue;
      const end = start + line.length;
      const next = best[k + 1];
      if (!next || end < next.end) best[k + 1] = { end, node: { line: i, prev: best[k]!.node } };
    }
  });
  const matched = lines.map(() => false);
  for (let node = best[best.length - 1]!.node; node; node = node.prev) matched[node.line] = true;
  return { matched, count: best.length - 1 };
}
