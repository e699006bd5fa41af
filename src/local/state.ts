// The embedded default's state: the log as JSON lines, appended durably, and the write-back as files
// beside the documents (the .xlsx the secretary keeps is never written to).

import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { LogEntry, StateStore, WriteBack } from '../delivery/ports.js';
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
      // NOTE: fail closed. A line that cannot be read (a run killed mid-write, a hand edit) may be the
      // record of an e-mail that went; skipping it would send that e-mail again. So nothing is sent
      // until a person has looked.
      const entries: LogEntry[] = [];
      text.split('\n').forEach((line, i) => {
        if (line.trim() === '') return;
        let entry: unknown;
        try {
          entry = JSON.parse(line);
        } catch {
          entry = undefined;
        }
        if (!isLogEntry(entry)) {
          throw new UserError(
            'service',
            `Loggen ${logPath} kan ikke læses helt: linje ${i + 1} er ufuldstændig eller beskadiget. Intet sendes, før den er rettet, så ingen får en e-mail to gange. ` +
              `Se linjen, kontrollér i udbakken/postkassen om den e-mail, den handler om, blev sendt, og slet eller ret linjen; kør så igen.`,
          );
        }
        entries.push(entry);
      });
      return entries;
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

function isLogEntry(v: unknown): v is LogEntry {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  return typeof e.at === 'string' && typeof e.meetingId === 'string' && typeof e.action === 'string' && typeof e.status === 'string';
}
