// The public site for ten years of meetings (250 meetings × 12 items): built from scratch into an
// empty folder, then the run with nothing changed, then a run after one item's text changed.
// The log says every meeting's public agenda or minutes went out (as links, as on Drive).

import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEntry } from '../src/delivery/ports.js';
import { bundledTemplateSync } from '../src/documents/template.js';
import type { WorkbookModel } from '../src/model.js';
import { selectPortalInput } from '../src/portal/input.js';
import { publishSite } from '../src/portal/site-sync.js';
import { folderTarget } from '../src/local/site-folder.js';
import { TABS_TO_READ, validateWorkbook } from '../src/validate/index.js';
import { parseRichText } from '../src/validate/richtext.js';
import { writeWorkbookFile } from '../src/local/xlsx-write.js';
import { xlsxSource } from '../src/local/xlsx.js';
import { generateYear } from './year.js';

// NOTE: not imported from run.ts, whose top level runs every benchmark.
const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const line = (what: string, value: string, goal: string): string => `${what.padEnd(62)} ${value.padStart(12)}   (goal ${goal})`;

function publishedLog(model: WorkbookModel): LogEntry[] {
  const log: LogEntry[] = [];
  for (const m of model.meetings) {
    const kinds = m.status === 'Referat klar' ? ['Dagsorden', 'Referat'] : ['Dagsorden'];
    for (const document of kinds)
      for (const format of ['pdf', 'docx'])
        log.push({ at: `${m.date}T10:00:00.000Z`, meetingId: m.id, action: 'upload', document, edition: 'offentlig', format, version: '1', hash: 'x', link: `https://drive.google.com/file/d/${m.id}-${document}-${format}/view`, status: 'udført' });
  }
  return log;
}

export async function benchSite(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-bench-site-'));
  const book = join(dir, 'ten-years.xlsx');
  await writeWorkbookFile(book, { tabs: await generateYear(250, 12) });
  const { model, problems } = validateWorkbook(await xlsxSource(book).readWorkbook(TABS_TO_READ));
  const log = publishedLog(model);
  const template = bundledTemplateSync();
  const target = folderTarget(join(dir, 'site'));
  const today = '2031-01-01';
  const run = async (m: WorkbookModel) => {
    const t0 = performance.now();
    const cpu = process.cpuUsage();
    const { input, heldBack } = selectPortalInput({ model: m, log, problems, template });
    const result = await publishSite({ input, today, target, heldBack: heldBack.map((h) => h.id) });
    return { ms: performance.now() - t0, cpuMs: process.cpuUsage(cpu).user / 1000, result };
  };
  const scratch = await run(model);
  const same: number[] = [];
  for (let i = 0; i < 5; i++) same.push((await run(model)).ms);
  // One item's Sagsfremstilling changed, five times over (each run a change from the one before).
  const first = model.meetings[100]!;
  const edited = (text: string): WorkbookModel => ({
    ...model,
    meetings: model.meetings.map((m) => (m !== first ? m : { ...m, items: m.items.map((it, i) => (i === 0 ? { ...it, presentation: parseRichText(text) } : it)) })),
  });
  const changes: Awaited<ReturnType<typeof run>>[] = [];
  for (let i = 0; i < 5; i++) changes.push(await run(edited(`Ny sagsfremstilling om cykelstier, udgave ${i + 1}.`)));
  const changed = changes.sort((a, b) => a.ms - b.ms)[2]!;
  const items = model.meetings.reduce((n, m) => n + m.items.length, 0);
  // NOTE: wall-clock figures on a shared machine grow with its load; the CPU time of this process
  // (Pagefind's own process not included) and the load average say how much.
  return [
    line(`site from scratch, ${model.meetings.length} meetings × ${items / model.meetings.length} items (${scratch.result.written.length} files)`, fmt(scratch.ms), '≤ 10 s'),
    line('  of which CPU time in this process', fmt(scratch.cpuMs), '-'),
    line('site, incremental run with nothing changed (median of 5)', fmt(same.sort((a, b) => a - b)[2]!), '≤ 1 s'),
    line(`site, one item's text changed (median of 5; ${changed.result.written.length} files rewritten)`, fmt(changed.ms), '≤ 2 s'),
    line(`  load average while measuring (1 min)`, loadavg()[0]!.toFixed(1), '-'),
  ];
}
