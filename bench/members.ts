// Figure: `dagsorden publish` of the example to 2,000 members, whole process, with its peak memory
// (issue 9: an invitation's size must not grow with the membership). Figures, not assertions.

import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { BUNDLED_WORKBOOK, PACKAGE_ROOT } from '../src/package-paths.js';

const MEMBERS = 2000;
const line = (what: string, value: string, goal: string): string => `${what.padEnd(62)} ${value.padStart(12)}   (goal ${goal})`;

export async function benchMembers(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-bench-members-'));
  try {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(BUNDLED_WORKBOOK);
    const ws = wb.getWorksheet('Medlemmer')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    ws.spliceRows(2, ws.rowCount);
    for (let i = 0; i < MEMBERS; i++) {
      const row: Record<string, string> = { Navn: `Medlem ${i}`, 'E-mail': `medlem${i}@example.org`, Fora: 'Chefforum', 'Ser lukkede punkter': i % 3 === 0 ? 'Ja' : 'Nej', Aktiv: 'Ja' };
      ws.addRow(header.map((h) => row[h] ?? null));
    }
    const path = join(dir, 'members.xlsx');
    await wb.xlsx.writeFile(path);
    const out = join(dir, 'out');
    const cli = join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');
    // NOTE: the child reports its own peak memory (maxRSS) when it exits.
    const probe = 'process.on("exit",()=>process.stderr.write("MAXRSS "+process.resourceUsage().maxRSS+"\\n"));';
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${probe}`, cli, 'publish', '--workbook', path, '--now', '2022-03-18T12:00', '--out', out], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, DAGSORDEN_SOFFICE: '/ingen/libreoffice', DAGSORDEN_MAIL: 'outbox' },
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
    const ms = performance.now() - t0;
    const rss = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
    const sent = (await readdir(join(out, 'outbox')).catch(() => [])).filter((f) => f.endsWith('.eml')).length;
    return [
      line(`publish the example to ${MEMBERS} members (${sent} e-mails, .docx only), whole process`, `${(ms / 1000).toFixed(1)} s`, '≤ 60 s'),
      line('  its peak memory (maxRSS)', `${rss.toFixed(0)} MiB`, '-'),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
