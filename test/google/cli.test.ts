// End to end through the built CLI (`npm run build` first): `dagsorden validate|render --sheet ID`
// against a stand-in started here give what the .xlsx gives; a permanent 403 exits 3 in Danish; the
// Google libraries stay unloaded for --help and the .xlsx path.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOG_TAB, PROBLEMS_TAB, SUBSCRIBERS_TAB } from '../../sheets-schema/schema.js';
import { BUNDLED_WORKBOOK, PACKAGE_ROOT } from '../../src/package-paths.js';
import { addTabs, loadXlsx, startStandin, type Standin } from '../standin/index.js';
import { standinEnv } from './helpers.js';

const CLI = join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');
const ID = 'sheet-cli-0000000001';

let standin: Standin;
let dir: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI asynchronously (the stand-in lives in this process and must keep answering). */
function cli(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DAGSORDEN_') && k !== 'GOOGLE_APPLICATION_CREDENTIALS'));
    execFile(process.execPath, [...nodeArgs, CLI, ...args], { cwd: dir, env: { ...clean, DAGSORDEN_GOOGLE_TIMEOUT_MS: '5000', ...env } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('Build first: npm run build');
  standin = await startStandin();
  dir = await mkdtemp(join(tmpdir(), 'dagsorden-cli-google-'));
});
afterAll(async () => {
  await standin.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  standin.reset();
  const ss = await loadXlsx(standin, BUNDLED_WORKBOOK, { id: ID });
  addTabs(ss, { [LOG_TAB.name]: [LOG_TAB.columns.map((c) => c.header)], [PROBLEMS_TAB.name]: [PROBLEMS_TAB.columns.map((c) => c.header)], [SUBSCRIBERS_TAB.name]: [SUBSCRIBERS_TAB.columns.map((c) => c.header)] });
});

const withoutSourceLine = (s: string) => s.replace(/^Regneark: .*\n/m, '');

describe('dagsorden validate --sheet', () => {
  it('prints the same as --workbook of the same content, exit 0, with one Google call', async () => {
    const sheet = await cli(['validate', '--sheet', ID], standinEnv(standin));
    const xlsx = await cli(['validate', '--workbook', BUNDLED_WORKBOOK]);
    expect(sheet.stderr).toBe('');
    expect(sheet.code).toBe(0);
    expect(sheet.stdout).toContain(`Regneark: Google Sheet ${ID}`);
    expect(withoutSourceLine(sheet.stdout)).toBe(withoutSourceLine(xlsx.stdout));
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.get': 1 });
  });

  it('gives the same problems as --workbook for a workbook with mistakes (exit 1)', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(BUNDLED_WORKBOOK);
    wb.getWorksheet('Møder')!.getCell('G2').value = 'Klar';
    wb.getWorksheet('Punkter')!.getCell('F3').value = { error: '#N/A' } as ExcelJS.CellErrorValue;
    const path = join(dir, 'fejl.xlsx');
    await wb.xlsx.writeFile(path);
    standin.reset();
    await loadXlsx(standin, path, { id: ID });
    const sheet = await cli(['validate', '--sheet', ID], standinEnv(standin));
    const xlsx = await cli(['validate', '--workbook', path]);
    expect(sheet.code).toBe(1);
    expect(xlsx.code).toBe(1);
    expect(withoutSourceLine(sheet.stdout)).toBe(withoutSourceLine(xlsx.stdout));
    expect(sheet.stdout).toContain('formelfejlen #N/A');
  });

  it('DAGSORDEN_SHEET works like --sheet', async () => {
    const run = await cli(['validate'], standinEnv(standin, { DAGSORDEN_SHEET: ID }));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Regneark: Google Sheet ${ID}`);
  });

  it('a permanent 403 on the sheet ends with exit code 3 and a Danish explanation', async () => {
    standin.state.sheets.spreadsheets.get(ID)!.access = 'none';
    const run = await cli(['validate', '--sheet', ID], standinEnv(standin));
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`Fejl: Kontoen dagsorden@example.org har ikke adgang til regnearket ${ID}. Del regnearket med dagsorden@example.org som redaktør (Del → Redaktør), og kør igen.\n`);
  });

  it('quota exhausted after every retry ends with exit code 3 (the next run continues)', async () => {
    standin.faults.push({ match: 'sheets.spreadsheets.get', status: 429, times: Infinity, retryAfter: 0 });
    const run = await cli(['validate', '--sheet', ID], standinEnv(standin, { DAGSORDEN_GOOGLE_ATTEMPTS: '3' }));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^Fejl: Kvoten hos Google Sheets er brugt op lige nu \(HTTP 429, 3 forsøg\)\. Prøv igen om lidt\. .*næste kørsel fortsætter/);
    expect(standin.calls.count('sheets.spreadsheets.get')).toBe(3);
  });

  it('without any Google sign-in it says how to sign in (exit 2)', async () => {
    const run = await cli(['validate', '--sheet', ID], { DAGSORDEN_GOOGLE_ROOT_URL: standin.url, HOME: dir, XDG_CONFIG_HOME: join(dir, 'cfg') });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Fejl: Der er ingen Google-login: .*token\.json findes ikke\. Kør "dagsorden auth" én gang/);
    expect(standin.calls.count()).toBe(0);
  });
});

describe('dagsorden init-sheet', () => {
  it('creates a Sheet with the example that validate --sheet then reads like the bundled .xlsx', async () => {
    standin.reset();
    const init = await cli(['init-sheet', '--with-example', '--title', 'Chefforum test'], standinEnv(standin));
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const id = /DAGSORDEN_SHEET=(\S+)/.exec(init.stdout)![1]!;
    expect(init.stdout).toContain(`https://docs.google.com/spreadsheets/d/${id}/edit`);
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.create': 1, 'sheets.spreadsheets.batchUpdate': 1 });
    const sheet = await cli(['validate', '--sheet', id], standinEnv(standin));
    const xlsx = await cli(['validate', '--workbook', BUNDLED_WORKBOOK]);
    expect(sheet.code).toBe(0);
    expect(withoutSourceLine(sheet.stdout)).toBe(withoutSourceLine(xlsx.stdout));
  });
});

describe('dagsorden render --sheet', () => {
  it('writes the same documents as --workbook', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const sheet = await cli(['render', '--sheet', ID, '--meeting', 'CF-2022-03-24', '--kind', 'dagsorden', '--format', 'docx', '--out', a], standinEnv(standin));
    const xlsx = await cli(['render', '--workbook', BUNDLED_WORKBOOK, '--meeting', 'CF-2022-03-24', '--kind', 'dagsorden', '--format', 'docx', '--out', b]);
    expect(sheet.code).toBe(0);
    expect(xlsx.code).toBe(0);
    const filesA = (await readdir(join(a, 'CF-2022-03-24'))).sort();
    expect(filesA).toEqual((await readdir(join(b, 'CF-2022-03-24'))).sort());
    expect(filesA.length).toBeGreaterThan(0);
    for (const f of filesA) {
      const [x, y] = await Promise.all([documentXml(join(a, 'CF-2022-03-24', f)), documentXml(join(b, 'CF-2022-03-24', f))]);
      expect(x).toBe(y);
    }
  });
});

/** The body of a .docx (word/document.xml), with the random relationship ids of hyperlinks levelled. */
async function documentXml(path: string): Promise<string> {
  // NOTE: jszip comes with docx (the documents' own dependency).
  const { default: JSZip } = await import('jszip');
  const zip = await JSZip.loadAsync(await readFile(path));
  const xml = await zip.file('word/document.xml')!.async('string');
  return xml.replace(/r:id="rId[A-Za-z0-9_-]+"/g, 'r:id="rId"');
}

describe('lazy loading', () => {
  it('--help and the .xlsx path never load the Google libraries', async () => {
    const probe = join(dir, 'probe.cjs');
    await writeFile(
      probe,
      `process.on('exit', () => { const g = Object.keys(require.cache).filter((k) => /[\\\\/](@googleapis|google-auth-library|googleapis-common|gaxios)[\\\\/]/.test(k)); process.stderr.write('GOOGLE_MODULES=' + g.length + '\\n'); });\n`,
    );
    const help = await cli(['--help'], {}, ['--require', probe]);
    expect(help.stderr).toContain('GOOGLE_MODULES=0');
    const xlsx = await cli(['validate', '--workbook', BUNDLED_WORKBOOK], {}, ['--require', probe]);
    expect(xlsx.stderr).toContain('GOOGLE_MODULES=0');
    const sheet = await cli(['validate', '--sheet', ID], standinEnv(standin), ['--require', probe]);
    expect(sheet.stderr).toMatch(/GOOGLE_MODULES=[1-9]/);
  });
});
