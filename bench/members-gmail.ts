// Figure: the example sent to 2,000 members through the Gmail path (the stand-in, real client
// libraries), with Gmail's daily sending limit of 2,000 messages a day for a Workspace account
// (test/standin/gmail.ts): how the sending spreads over days, the runs it takes, and that every
// e-mail still goes exactly once. Figures, not assertions.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPublish } from '../src/commands/publish.js';
import { loadXlsx, sentMessages, startStandin } from '../test/standin/index.js';
import { writeManyMembersWorkbook } from './shared.js';

const MEMBERS = 2000;
const line = (what: string, value: string): string => `${what.padEnd(70)} ${value.padStart(14)}`;

export async function benchMembersGmail(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-bench-gmail-'));
  const standin = await startStandin();
  try {
    const path = join(dir, 'members.xlsx');
    await writeManyMembersWorkbook(path, MEMBERS);
    await loadXlsx(standin, path, { id: 'bench-gmail-2000' });
    const env = { ...process.env, DAGSORDEN_GOOGLE_ROOT_URL: standin.url, DAGSORDEN_GOOGLE_ACCESS_TOKEN: 'bench', DAGSORDEN_MAIL: 'gmail', DAGSORDEN_SOFFICE: '/ingen/libreoffice' };
    const lines: string[] = [];
    const days = ['2022-03-18', '2022-03-19', '2022-03-20', '2022-03-21'];
    let runs = 0;
    const t0 = performance.now();
    for (const day of days) {
      standin.state.gmail.today = day;
      const before = sentMessages(standin.state.gmail).length;
      // Two scheduled runs that day: the second shows that a run while the limit holds tries no send.
      for (const time of ['12:00', '12:05']) {
        runs++;
        // Quotas per minute are the stand-in's real clock: each run here is its own minute.
        const minute = runs;
        standin.quotas.clock = () => minute * 60_000;
        await runPublish({ sheet: 'bench-gmail-2000', now: `${day}T${time}`, out: join(dir, 'unused') }, { out: () => {}, err: () => {}, env, isTTY: false });
      }
      const sentThatDay = sentMessages(standin.state.gmail).length - before;
      lines.push(line(`day ${day}: e-mails sent (Gmail limit 2,000 a day)`, String(sentThatDay)));
      if (sentThatDay === 0) break;
    }
    const all = sentMessages(standin.state.gmail).map((m) => m.messageIdHeader);
    lines.push(line(`total e-mails to ${MEMBERS} members, distinct Message-IDs`, `${all.length}, ${new Set(all).size}`));
    lines.push(line('refused sends (429 Mail sending), over all runs', String(standin.calls.list.filter((c) => c.route === 'gmail.users.drafts.send' && c.status === 429).length)));
    lines.push(line(`scheduled runs (2 a day), wall time`, `${runs}, ${((performance.now() - t0) / 1000).toFixed(1)} s`));
    return lines;
  } finally {
    await standin.close();
    await rm(dir, { recursive: true, force: true });
  }
}
