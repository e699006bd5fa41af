// Builds real sites for the portal tests: a workbook through `dagsorden publish` (documents, log,
// write-back and the site, exactly as the scheduled job does), without LibreOffice to stay quick.

import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { unzipSync, strFromU8 } from 'fflate';
import { runPublish } from '../../src/commands/publish.js';
import type { TestWorkbook } from '../helpers/workbook.js';
import { time, wallClockDate } from './workbook-fixture.js';

export { time, wallClockDate };

export interface PublishRun {
  readonly code: number;
  readonly lines: string[];
}

export async function publish(workbook: string, out: string, now: string, extra: { site?: string; env?: NodeJS.ProcessEnv } = {}): Promise<PublishRun> {
  const lines: string[] = [];
  const code = await runPublish(
    { workbook, out, now, ...(extra.site ? { site: extra.site } : {}) },
    { out: (s) => lines.push(s), err: (s) => lines.push(s), env: { DAGSORDEN_SOFFICE: '/ingen/libreoffice', DAGSORDEN_MAIL: 'outbox', ...extra.env }, isTTY: false },
  );
  return { code, lines };
}

/** The `site` event of a run's JSON output. */
export function siteEvent(run: PublishRun): { written: number; removed: number; total: number; unchanged: boolean } {
  const line = run.lines.map((l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, unknown>) : {})).find((o) => o.event === 'site');
  if (!line) throw new Error(`no site event in:\n${run.lines.join('\n')}`);
  return line as unknown as { written: number; removed: number; total: number; unchanged: boolean };
}

export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(folder: string): Promise<void> {
    for (const e of await readdir(folder, { withFileTypes: true })) {
      const full = join(folder, e.name);
      if (e.isDirectory()) await walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  }
  await walk(dir);
  return out.sort();
}

/**
 * Every text a file holds, as a reader (or a search engine) could get at it: the raw bytes, and what
 * is inside gzip (Pagefind's index and fragments) and zip (.docx) containers.
 */
export function textsOf(name: string, bytes: Uint8Array): string[] {
  const texts = [Buffer.from(bytes).toString('utf8'), Buffer.from(bytes).toString('latin1')];
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) texts.push(...textsOf(`${name}!gunzip`, gunzipSync(bytes)));
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) for (const [inner, data] of Object.entries(unzipSync(bytes))) texts.push(inner, strFromU8(data, true));
  return texts;
}

export async function readAll(dir: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const name of await listFiles(dir)) out.set(name, textsOf(name, await readFile(join(dir, name))));
  return out;
}

export type { TestWorkbook };
