// Figure: `dagsorden publish` of the example to 2,000 members, whole process, with its peak memory
// (issue 9: an invitation's size must not grow with the membership). Figures, not assertions.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishProcess, writeManyMembersWorkbook } from './shared.js';

const MEMBERS = 2000;
const line = (what: string, value: string, goal: string): string => `${what.padEnd(62)} ${value.padStart(12)}   (goal ${goal})`;

export async function benchMembers(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-bench-members-'));
  try {
    const path = join(dir, 'members.xlsx');
    await writeManyMembersWorkbook(path, MEMBERS);
    const out = join(dir, 'out');
    const { ms, rssMiB: rss } = publishProcess(['--workbook', path, '--now', '2022-03-18T12:00', '--out', out]);
    const sent = (await readdir(join(out, 'outbox')).catch(() => [])).filter((f) => f.endsWith('.eml')).length;
    return [
      line(`publish the example to ${MEMBERS} members (${sent} e-mails, .docx only), whole process`, `${(ms / 1000).toFixed(1)} s`, '≤ 60 s'),
      line('  its peak memory (maxRSS)', `${rss.toFixed(0)} MiB`, '-'),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
