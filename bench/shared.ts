// What several benches share: the example with many members, and `dagsorden publish` timed as its own process with its peak memory.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { BUNDLED_WORKBOOK, PACKAGE_ROOT } from '../src/package-paths.js';

/** The example with its members replaced by `count` generated ones (every third sees closed items), so only the membership grows. */
export async function writeManyMembersWorkbook(path: string, count: number): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(BUNDLED_WORKBOOK);
  const ws = wb.getWorksheet('Medlemmer')!;
  const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  ws.spliceRows(2, ws.rowCount);
  for (let i = 0; i < count; i++) {
    const row: Record<string, string> = { Navn: `Medlem ${i}`, 'E-mail': `medlem${i}@example.org`, Fora: 'Chefforum', 'Ser lukkede punkter': i % 3 === 0 ? 'Ja' : 'Nej', Aktiv: 'Ja' };
    ws.addRow(header.map((h) => row[h] ?? null));
  }
  await wb.xlsx.writeFile(path);
}

/** `dagsorden publish <args>`, .docx only and mail to the outbox, so the figure is the job's own and not LibreOffice's or a server's. */
export function publishProcess(args: readonly string[]): { ms: number; rssMiB: number; status: number | null; stderr: string } {
  const cli = join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');
  // NOTE: the child reports its own peak memory (maxRSS) when it exits.
  const probe = 'process.on("exit",()=>process.stderr.write("MAXRSS "+process.resourceUsage().maxRSS+"\\n"));';
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${probe}`, cli, 'publish', ...args], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, DAGSORDEN_SOFFICE: '/ingen/libreoffice', DAGSORDEN_MAIL: 'outbox' },
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  return { ms, rssMiB: Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024, status: r.status, stderr: r.stderr };
}
