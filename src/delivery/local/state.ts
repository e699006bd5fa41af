// The embedded default's state: the log as JSON lines, appended durably, and the write-back as files
// beside the documents (the .xlsx the secretary keeps is never written to).

import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogEntry, StateStore, WriteBack } from '../ports.js';
import { writeFileAtomically } from './documents.js';

export const STATE_DIR = '.dagsorden';

export function localStateStore(dir: string): StateStore & { logPath: string } {
  const stateDir = join(dir, STATE_DIR);
  const logPath = join(stateDir, 'udsendelser.jsonl');
  const statusPath = join(dir, 'status.json');
  const problemsPath = join(dir, 'Validering.txt');

  async function writeIfChanged(path: string, content: string): Promise<void> {
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current !== content) await writeFileAtomically(path, content);
  }

  async function appendLog(entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await mkdir(stateDir, { recursive: true });
    const fh = await open(logPath, 'a');
    try {
      await fh.write(entries.map((e) => JSON.stringify(e) + '\n').join(''));
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  return {
    description: `tilstandsfilen ${logPath}`,
    logPath,
    async readLog(): Promise<LogEntry[]> {
      const text = await readFile(logPath, 'utf8').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return '';
        throw e;
      });
      // NOTE: a run killed mid-append can leave a partial last line; it was never acknowledged, so it is skipped.
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as LogEntry];
          } catch {
            return [];
          }
        });
    },
    appendLog,
    async writeBack(update: WriteBack, log: readonly LogEntry[] = []): Promise<void> {
      await appendLog(log);
      await mkdir(dir, { recursive: true });
      await writeIfChanged(statusPath, JSON.stringify(Object.fromEntries(update.meetings), null, 2) + '\n');
      const text = update.problems.length
        ? update.problems.map((p) => `${p.cell ? `${p.tab}!${p.cell}` : p.tab}\t${p.message}`).join('\n') + '\n'
        : 'Ingen problemer i regnearket.\n';
      await writeIfChanged(problemsPath, text);
    },
  };
}
