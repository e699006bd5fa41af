// `dagsorden serve`: the built site on localhost, folders answered by their index.html, the manifest
// and anything outside the folder never served.

import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BUNDLED_WORKBOOK, PACKAGE_ROOT } from '../../src/package-paths.js';
import { publish } from './helpers.js';

const CLI = join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');

it('serves the site built by publish, and says so in Danish', async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'dagsorden-serve-')), 'out');
  expect((await publish(BUNDLED_WORKBOOK, out, '2022-03-18T12:00')).code).toBe(0);
  const child = spawn(process.execPath, [CLI, 'serve', '--site', join(out, 'site'), '--out', out, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const said = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('(stop med Ctrl+C).')) resolve(text);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    // The subscription endpoint (issue 21) says where sign-ups are kept, then the site its address.
    const [endpointLine, first] = said.trim().split('\n') as [string, string];
    expect(endpointLine).toMatch(/^Tilmeldinger til e-mails gemmes i .*abonnenter\.sqlite; bekræftelser sendes via udbakken .*outbox\.$/);
    expect(first).toMatch(/^Hjemmesiden fra .* vises på http:\/\/localhost:\d+\/ \(stop med Ctrl\+C\)\./);
    const base = /http:\/\/localhost:(\d+)\//.exec(first)![0].replace('localhost', '127.0.0.1');
    const home = await fetch(base);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await home.text()).toContain('<html lang="da">');
    const folder = await fetch(`${base}moeder/cf-2022-03-24`, { redirect: 'manual' });
    expect([folder.status, folder.headers.get('location')]).toEqual([301, '/moeder/cf-2022-03-24/']);
    expect((await fetch(`${base}fora/chefforum/moeder.ics`)).headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect((await fetch(`${base}.dagsorden/site.json`)).status).toBe(404);
    expect((await fetch(`${base}%2e%2e/status.json`)).status).toBe(404);
    expect((await fetch(`${base}findes/ikke/`)).status).toBe(404);
  } finally {
    child.kill('SIGTERM');
  }
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (c) => resolve(c))));
  expect(code).toBe(0);
}, 60_000);

it('without a built site, serve says what to do', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-serve-empty-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--site', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  expect(code).toBe(2);
  expect(err).toContain('Der er ingen hjemmeside i');
  expect(err).toContain('Kør "dagsorden publish" først');
});
