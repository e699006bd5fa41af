// Local faults on the embedded default, through the real command line: a Danish message and exit 3,
// never "Uventet fejl"; and a log that cannot be read completely stops all sending (issue 9).

import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BUNDLED_WORKBOOK, PACKAGE_ROOT } from '../../src/package-paths.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dagsorden-local-faults-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function publish(out: string, now = '2022-03-18T12:00'): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'cli.js'), 'publish', '--workbook', BUNDLED_WORKBOOK, '--now', now, '--out', out], {
    env: { ...process.env, DAGSORDEN_SHEET: '', DAGSORDEN_WORKBOOK: '', DAGSORDEN_SOFFICE: '/ingen/libreoffice', DAGSORDEN_MAIL: 'outbox' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

it('an --out that is a file: exit 3 and a Danish message, no stack trace', { timeout: 60_000 }, async () => {
  const file = join(dir, 'not-a-folder');
  await writeFile(file, 'x');
  const r = await publish(file);
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(/Fejl: En fil kunne ikke skrives eller læses .*en del af stien er en fil, ikke en mappe|Fejl: En fil kunne ikke skrives eller læses .*der ligger allerede en fil/);
  expect(r.stderr).not.toMatch(/Uventet fejl|\n\s+at /);
});

it('an unwritable outbox: exit 3, a Danish message, and the next run continues', { timeout: 90_000 }, async () => {
  const out = join(dir, 'outbox-blocked');
  await mkdir(out, { recursive: true });
  // The outbox's place is taken by a file: writing any message into it fails.
  await writeFile(join(out, 'outbox'), 'x');
  const r = await publish(out);
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(/^Fejl: En fil kunne ikke skrives eller læses/m);
  expect(r.stderr).not.toMatch(/Uventet fejl/);
  await rm(join(out, 'outbox'));
  const again = await publish(out, '2022-03-18T12:30');
  expect(again.code).toBe(0);
  expect((await readdir(join(out, 'outbox'))).filter((f) => f.endsWith('.eml'))).toHaveLength(18);
});

it.each([
  ['a null line', 'null\n'],
  ['a truncated line', '{"at":"2022-03-18T12:00:00.000+01:00","meetingId":"CF-2022-03-24","action":"send","status":"udf'],
])('%s in the log stops all sending with a Danish message naming the line', { timeout: 90_000 }, async (_, line) => {
  const out = join(dir, `log-${line.length}`);
  expect((await publish(out)).code).toBe(0);
  const sent = (await readdir(join(out, 'outbox'))).length;
  await appendFile(join(out, '.dagsorden', 'udsendelser.jsonl'), line);
  const r = await publish(out, '2022-11-09T13:00');
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(/Loggen .* kan ikke læses helt: linje \d+ er ufuldstændig eller beskadiget\. Intet sendes/);
  expect((await readdir(join(out, 'outbox'))).length).toBe(sent);
});
