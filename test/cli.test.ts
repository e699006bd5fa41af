// The command line end to end: exit codes and what the user reads.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BUNDLED_WORKBOOK, PACKAGE_ROOT } from '../src/package-paths.js';
import { cases } from './helpers/bad-cases.js';
import { baseline, writeTestWorkbook } from './helpers/workbook.js';

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'cli.js'), ...args], { env: { ...process.env, DAGSORDEN_SHEET: '', DAGSORDEN_WORKBOOK: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

it('validate on the bundled example: exit 0 and a summary', async () => {
  const r = await cli('validate', '--workbook', BUNDLED_WORKBOOK);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('3 møder, 23 punkter, 10 medlemmer.');
  expect(r.stdout).toContain('Ingen problemer i regnearket.');
});

it('validate with no source uses the bundled example', async () => {
  const r = await cli('validate');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`Regneark: ${BUNDLED_WORKBOOK}`);
});

it('validate on a broken workbook: exit 1 and every problem with its cell', async () => {
  const wb = baseline();
  cases[0]!.change(wb);
  cases[8]!.change(wb);
  const r = await cli('validate', '--workbook', await writeTestWorkbook(wb));
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('Fandt 2 problemer i regnearket:');
  expect(r.stdout).toMatch(/Møder!G2 +Status "Klar" kendes ikke\./);
  expect(r.stdout).toMatch(/Punkter!F2 +Sagsnr\. skal udfyldes\./);
});

it('usage errors exit 2; a missing file is explained in Danish', async () => {
  expect((await cli('nonsense')).code).toBe(2);
  expect((await cli('render', '--meeting', 'x')).code).toBe(2);
  const missing = await cli('validate', '--workbook', '/findes/ikke.xlsx');
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('Regnearket /findes/ikke.xlsx findes ikke.');
});

it('--help lists the commands', async () => {
  const r = await cli('--help');
  expect(r.code).toBe(0);
  for (const c of ['validate', 'render', 'publish', 'init-sheet', 'auth']) expect(r.stdout).toContain(c);
});

it('publish --dry-run prints the plan in Danish and does nothing', async () => {
  const { mkdtemp, readdir } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const out = await mkdtemp(join(tmpdir(), 'dagsorden-dry-'));
  const r = await cli('publish', '--dry-run', '--now', '2022-03-18T12:00', '--out', out);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Plan (--dry-run: intet er gjort):');
  expect(r.stdout).toContain('  - Udgiv dagsorden for CF-2022-03-24, medlemsudgaven, version 1');
  expect(r.stdout).toContain('  - Send invitation med dagsorden (version 1) for CF-2022-03-24 til Anne Jensen <anne.jensen@example.org>');
  expect(await readdir(out)).toEqual([]);
});
