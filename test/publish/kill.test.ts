// The real thing: `dagsorden publish` killed with SIGKILL at chosen steps, sending to a real local SMTP
// server, run again until done. Every message arrives exactly once.

import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BUNDLED_WORKBOOK, PACKAGE_ROOT } from '../../src/package-paths.js';
import { useSmtpRecorder } from '../helpers/smtp-recorder.js';

const smtp = useSmtpRecorder();
const received = (): { messageId: string; subject: string }[] => smtp.received.map(({ parsed: m }) => ({ messageId: m.messageId ?? '', subject: m.subject ?? '' }));

/** Runs the CLI without blocking this process, which hosts the SMTP server. Resolves to the exit code, or null when killed. */
function publish(out: string, crashAt?: number): Promise<number | null> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'cli.js'), 'publish', '--workbook', BUNDLED_WORKBOOK, '--out', out, '--now', '2022-03-18T12:00'], {
    env: { ...process.env, DAGSORDEN_MAIL: 'smtp', DAGSORDEN_SMTP_URL: smtp.url, DAGSORDEN_SOFFICE: '/ingen/libreoffice', ...(crashAt !== undefined ? { DAGSORDEN_CRASH_AT: String(crashAt) } : {}) },
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? null : -1))));
}

it('killed at the lease, after rendering, mid-upload and between messages, then run again: every message exactly once', async () => {
  const out = await mkdtemp(join(tmpdir(), 'dagsorden-kill-'));
  // Each run dies a little further on, measured in steps of that run; the last one runs to the end.
  const kills = [0, 1, 3, 2, 4, 3, 5];
  for (const k of kills) expect(await publish(out, k)).toBe(null);
  expect(await publish(out)).toBe(0);
  expect(received()).toHaveLength(18);
  expect(await publish(out)).toBe(0); // a no-op

  const byId = new Map<string, number>();
  for (const m of received()) byId.set(m.messageId, (byId.get(m.messageId) ?? 0) + 1);
  // The example: 9 active members × (the 24-03-2022 invitation + the 04-03-2021 minutes).
  expect(byId.size).toBe(18);
  expect([...byId.values()].every((n) => n === 1)).toBe(true);
  expect(received().filter((m) => m.subject.startsWith('Dagsorden: Chefforum torsdag d. 24. marts 2022 kl. 09:00'))).toHaveLength(9);
}, 180_000);

it('an unreachable mail server ends the run with exit 3 and a Danish explanation; the next run continues', async () => {
  const out = await mkdtemp(join(tmpdir(), 'dagsorden-smtp-down-'));
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'cli.js'), 'publish', '--workbook', BUNDLED_WORKBOOK, '--out', out, '--now', '2022-03-18T12:00'], {
    env: { ...process.env, DAGSORDEN_MAIL: 'smtp', DAGSORDEN_SMTP_URL: 'smtp://127.0.0.1:1', DAGSORDEN_SOFFICE: '/ingen/libreoffice' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(code).toBe(3);
  expect(stderr).toContain('Fejl: Mailserveren smtp://127.0.0.1:1 kunne ikke modtage beskeden');
  expect(stderr).toContain('næste kørsel fortsætter');
  const before = received().length;
  expect(await publish(out)).toBe(0);
  expect(received().length - before).toBe(18);
}, 120_000);
