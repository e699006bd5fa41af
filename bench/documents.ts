// Benchmarks of the documents step, printed by `npm run bench`: building a .docx in-process, the
// same content through pandoc, and PDFs in one LibreOffice start against one start each.

import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDocx, documentNames, itemHeading } from '../src/documents/docx.js';
import { editionView, isRedacted } from '../src/documents/edition.js';
import { convertDocxToPdf, findSoffice } from '../src/documents/pdf.js';
import { renderDocuments } from '../src/documents/render.js';
import { fill, loadTemplate, type Template } from '../src/documents/template.js';
import type { Item, Meeting, RichText, Settings } from '../src/model.js';
import { BUNDLED_WORKBOOK } from '../src/package-paths.js';
import { meetingDateLine } from '../src/text/danish.js';
import { readAndValidate } from '../src/validate/index.js';
import { parseRichText } from '../src/validate/richtext.js';
import { xlsxSource } from '../src/local/xlsx.js';

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
const line = (what: string, value: string, goal: string): string => `${what.padEnd(62)} ${value.padStart(12)}   (goal ${goal})`;

function onPath(cmd: string): boolean {
  return !spawnSync(cmd, ['--version'], { stdio: 'ignore' }).error;
}

/** A 12-item meeting from the bundled example's items: long texts, lists, a table, a closed item. */
function twelveItemMeeting(meetings: readonly Meeting[]): Meeting {
  const byId = (id: string) => meetings.find((m) => m.id === id)!;
  const picked: Item[] = [...byId('CF-2022-03-24').items, byId('CF-2021-03-04').items[2]!, byId('CF-2021-03-04').items[3]!, byId('CF-2022-11-09').items[3]!];
  const base = byId('CF-2022-11-09');
  return { ...base, items: picked.map((item, i) => ({ ...item, timeSlot: undefined, meetingId: base.id, number: i + 1 })) };
}

/** The same meeting as one Markdown file, as a secretary would hand it to pandoc. */
function asMarkdown(meeting: Meeting, template: Template): string {
  const p = template.phrases;
  const view = editionView(meeting, 'medlemmer');
  const names = documentNames(meeting, 'referat', template);
  const text = (r: RichText | undefined) => (r ? r.source.trim() + '\n' : '');
  const out = [`---\ntitle: "${names.titleLine}"\nlang: da-DK\n---\n`, `**${p.meetingDate}** ${meetingDateLine(meeting.date, meeting.start)}\n`, `**${p.meetingPlace}** ${meeting.place}\n`];
  for (const item of view.items) {
    out.push(`# ${itemHeading(item, template)}\n`, `${item.caseNumber}\n`);
    if (isRedacted(item)) continue;
    const section = (heading: string, body: string) => body && out.push(`## ${heading}\n`, body);
    section(p.sections.occasion, text(item.occasion));
    section(p.sections.presentation, text(item.presentation));
    section(p.sections.supplement, text(item.supplement));
    section(p.sections.recommendation, item.recommender ? `${fill(p.recommends, { indstiller: item.recommender })}\n\n${item.recommendation.map((r, i) => `${i + 1}. ${r}`).join('\n')}\n` : '');
    section(p.sections.history, text(item.history));
    section(p.sections.decision, text(item.decision));
    section(p.sections.attachments, item.attachments.map((a) => (a.url ? `[${a.title}](${a.url})` : a.title) + '\n').join('\n'));
  }
  return out.join('\n');
}

export async function benchDocuments(): Promise<string[]> {
  const { model } = await readAndValidate(xlsxSource(BUNDLED_WORKBOOK));
  const template = await loadTemplate();
  const settings: Settings = model.settings;
  const meeting = twelveItemMeeting(model.meetings);
  const lines: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-bench-docs-'));
  try {
    // (a) in-process build, after two warm-up runs
    const ours: number[] = [];
    let size = 0;
    for (let i = 0; i < 22; i++) {
      const t0 = performance.now();
      size = (await buildDocx(meeting, settings, 'referat', 'medlemmer', template)).length;
      if (i >= 2) ours.push(performance.now() - t0);
    }
    const oursMs = median(ours);
    lines.push(line(`build one 12-item referat .docx in-process (median of 20, ${Math.round(size / 1024)} kB)`, fmt(oursMs), '≤ 50 ms'));
    // The same with its contents page's numbers, from the page estimate (as without LibreOffice).
    const estimated: number[] = [];
    for (let i = 0; i < 22; i++) {
      const t0 = performance.now();
      await buildDocx(meeting, settings, 'referat', 'medlemmer', template, { estimatePages: true });
      if (i >= 2) estimated.push(performance.now() - t0);
    }
    lines.push(line('  the same with contents page numbers (estimate, median of 20)', fmt(median(estimated)), '≤ 30 ms'));

    // (b) the same content through pandoc, a whole process each time
    if (onPath('pandoc')) {
      const md = join(dir, 'referat.md');
      await writeFile(md, asMarkdown(meeting, template));
      const pandoc: number[] = [];
      for (let i = 0; i < 11; i++) {
        const t0 = performance.now();
        const r = spawnSync('pandoc', ['-f', 'markdown', '-o', join(dir, 'pandoc.docx'), md], { stdio: 'ignore' });
        if (r.status !== 0) throw new Error('pandoc failed');
        if (i > 0) pandoc.push(performance.now() - t0);
      }
      const pandocMs = median(pandoc);
      lines.push(line('the same content through pandoc -o x.docx (median of 10)', fmt(pandocMs), '-'));
      lines.push(line('  ours faster than pandoc by', `${(pandocMs / oursMs).toFixed(1)}×`, '≥ 2×'));
    } else {
      lines.push(line('the same content through pandoc', 'skipped', 'pandoc not installed'));
    }

    // (c) 4 PDFs: one LibreOffice start against four
    const soffice = findSoffice();
    if (soffice) {
      const docs = [meeting, ...model.meetings];
      const jobs = await Promise.all(docs.map(async (m, i) => ({ docx: await buildDocx(m, settings, 'referat', 'medlemmer', template), name: `doc-${i}` })));
      const together: number[] = [];
      const apart: number[] = [];
      for (let run = 0; run < 3; run++) {
        let t0 = performance.now();
        await convertDocxToPdf(jobs, { soffice });
        together.push(performance.now() - t0);
        t0 = performance.now();
        for (const job of jobs) await convertDocxToPdf([job], { soffice });
        apart.push(performance.now() - t0);
      }
      const one = median(together);
      const four = median(apart);
      lines.push(line('4 PDFs in one LibreOffice start (median of 3)', fmt(one), '-'));
      lines.push(line('4 PDFs in four LibreOffice starts (median of 3)', fmt(four), '-'));
      lines.push(line('  one start faster than four by', `${(four / one).toFixed(1)}×`, '≥ 3×'));
    } else {
      lines.push(line('4 PDFs with LibreOffice', 'skipped', 'LibreOffice not installed'));
    }

    // (d) one unbroken 50,000-character cell, the whole documents step, with and without LibreOffice
    const long: Meeting = { ...meeting, items: [{ ...meeting.items[0]!, presentation: parseRichText('x'.repeat(50_000)), number: 1 }, { ...meeting.items[1]!, number: 2 }] };
    const timeOnce = async (withPdf: boolean): Promise<number> => {
      const t0 = performance.now();
      await renderDocuments([{ meeting: long, kind: 'referat', edition: 'medlemmer' }], settings, template, { formats: new Set(withPdf ? ['docx', 'pdf'] : ['docx']), soffice: withPdf ? soffice : undefined });
      return performance.now() - t0;
    };
    const without = median([await timeOnce(false), await timeOnce(false), await timeOnce(false)]);
    lines.push(line('render a 50,000-character unbroken cell, .docx without LibreOffice', fmt(without), '≤ 5000 ms'));
    if (soffice) lines.push(line('render a 50,000-character unbroken cell, .docx and PDF with LibreOffice', fmt(median([await timeOnce(true), await timeOnce(true), await timeOnce(true)])), '≤ 5000 ms'));
    else lines.push(line('render a 50,000-character unbroken cell with LibreOffice', 'skipped', 'LibreOffice not installed'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return lines;
}
