// Runs side by side (issue 18): 2–4 real `dagsorden publish` processes started at once on the same
// `--out`, some killed outright (SIGKILL) at a random step, in rounds at later and later times, then
// one last run. Mail goes to a real local SMTP server that records every message it accepts.
//
// The property: side by side, with kills, the job does what the same runs one at a time without kills
// do (the reference: the same times, one process each, into another folder):
// - every process exits 0 (or was killed on purpose), never with a stack trace; one that finds another
//   at work says so in Danish and does nothing;
// - every e-mail reaches the server exactly once, and the set of e-mails is the reference's;
// - the output folder holds the reference's files (documents, previews, site, status), no more (no
//   duplicate, no stray temporary file) and no fewer, and the site's files have the reference's bytes;
// - in a round without kills, the processes together write each site file and each document once.
// Each round is followed by one more run at the same moment, as the next scheduled run would be: a
// killed run's work must be finished by it (an agenda is due only until the meeting begins).
// CONCURRENCY_RUNS=<n> for a long run; PROPERTY_SEED=<n> to replay another seed.

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { useSmtpRecorder } from '../helpers/smtp-recorder.js';
import { events, expectRoundExits, runCli, type Exit } from '../helpers/cli-process.js';

const RUNS = Number(process.env.CONCURRENCY_RUNS ?? 2);
const SEED = Number(process.env.PROPERTY_SEED ?? 20261204);
const TIMES = ['2022-03-10T12:00', '2022-03-18T12:00', '2022-11-09T13:00'] as const;
const BUSY = 'En anden kørsel er i gang; denne kørsel gør intet.';

const smtp = useSmtpRecorder();
// NOTE: each output folder logs in as its own user, so two stories never mix their mail.
const received = (user: string): string[] => smtp.received.filter((m) => m.user === user).map((m) => m.parsed.messageId ?? '');


/** One `dagsorden publish` on the bundled example, .docx only (no LibreOffice: fast), mail by SMTP. */
function publish(out: string, user: string, now: string, crashAt: number | null): Promise<Exit> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DAGSORDEN_')));
  return runCli(['publish', '--workbook', BUNDLED_WORKBOOK, '--out', out, '--now', now], {
    ...env,
    DAGSORDEN_MAIL: 'smtp',
    DAGSORDEN_SMTP_URL: `smtp://${user}:hemmeligt@127.0.0.1:${smtp.port}`,
    DAGSORDEN_SOFFICE: '/ingen/libreoffice',
    ...(crashAt !== null ? { DAGSORDEN_CRASH_AT: String(crashAt) } : {}),
  });
}


/** Every file under `dir` (the log and lease files excepted), relative, with the sha256 of its bytes. */
async function filesOf(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(folder: string): Promise<void> {
    for (const e of await readdir(folder, { withFileTypes: true })) {
      const full = join(folder, e.name);
      if (e.isDirectory()) await walk(full);
      else out.set(relative(dir, full), createHash('sha256').update(await readFile(full)).digest('hex'));
    }
  }
  await walk(dir);
  for (const name of [...out.keys()]) if (name.startsWith('.dagsorden/udsendelser.jsonl')) out.delete(name);
  return out;
}

interface Reference {
  readonly files: Map<string, string>;
  readonly mail: string[];
  /** Per round: site files written and documents published, by the one process. */
  readonly work: { site: number; documents: number }[];
}

const references = new Map<string, Promise<Reference>>();
let stories = 0;
const totals = { processes: 0, killed: 0, busy: 0, mails: 0 };

/** The same times, one process each, no kill: what side by side must come to. */
function reference(times: readonly string[]): Promise<Reference> {
  const key = times.join(' ');
  let r = references.get(key);
  if (!r) {
    r = (async () => {
      const out = await mkdtemp(join(tmpdir(), 'dagsorden-ref-'));
      const user = `ref${references.size}`;
      const work: Reference['work'] = [];
      for (const now of times) {
        const e = await publish(out, user, now, null);
        expect(e.code, e.stderr).toBe(0);
        work.push(workOf([e]));
      }
      const files = await filesOf(out);
      await rm(out, { recursive: true, force: true });
      return { files, mail: received(user), work };
    })();
    references.set(key, r);
  }
  return r;
}

function workOf(exits: readonly Exit[]): { site: number; documents: number } {
  let site = 0;
  let documents = 0;
  for (const e of exits)
    for (const ev of events(e)) {
      if (ev.event === 'site') site += Number(ev.written ?? 0);
      if (ev.event === 'done' && ev.action === 'publish') documents++;
    }
  return { site, documents };
}

const storyArb = fc.record({
  times: fc.subarray([...TIMES], { minLength: 1 }),
  rounds: fc.array(
    fc.record({
      processes: fc.integer({ min: 2, max: 4 }),
      // NOTE: up to 60 steps reaches every upload, send, preview and site write of the example's runs.
      kills: fc.array(fc.option(fc.nat(60), { freq: 2 }), { minLength: 4, maxLength: 4 }),
    }),
    { minLength: 3, maxLength: 3 },
  ),
});

it(`side by side, with kills, the job does what one run at a time does (${RUNS} stories)`, async () => {
  await fc.assert(
    fc.asyncProperty(storyArb, async (story) => {
      const out = await mkdtemp(join(tmpdir(), 'dagsorden-side-'));
      const user = `story${stories++}`;
      try {
        const ref = await reference(story.times);
        for (const [i, now] of story.times.entries()) {
          const round = story.rounds[i]!;
          const crashes = round.kills.slice(0, round.processes);
          const exits = await Promise.all(crashes.map((crashAt) => publish(out, user, now, crashAt)));
          expectRoundExits(exits, crashes, now, BUSY, totals);
          // The next scheduled run (the same moment: the killed runs' leases died with their processes)
          // finishes what a killed run left; after a round without kills it has nothing left to do.
          const follow = await publish(out, user, now, null);
          expect(follow.code, follow.stderr).toBe(0);
          if (exits.every((e) => e.signal === null)) {
            expect(workOf(exits), `at ${now}, side by side, the work was done once`).toEqual(ref.work[i]);
            expect(workOf([follow]), `at ${now}, nothing was left`).toEqual({ site: 0, documents: 0 });
          }
        }

        const mail = received(user);
        totals.mails += mail.length;
        expect(new Set(mail).size, 'every e-mail reached the server once').toBe(mail.length);
        expect([...mail].sort()).toEqual([...ref.mail].sort());
        const files = await filesOf(out);
        const names = [...files.keys()];
        expect({ extra: names.filter((n) => !ref.files.has(n)), missing: [...ref.files.keys()].filter((n) => !files.has(n)) }, 'the same files, no more, no fewer').toEqual({ extra: [], missing: [] });
        // NOTE: a .docx carries its making time, and the site's manifest the hashes of those bytes.
        for (const [name, hash] of ref.files) if (name.startsWith('site/') && !name.endsWith('.docx') && !name.startsWith('site/.dagsorden/')) expect(files.get(name), name).toBe(hash);
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  console.log(`side om side: ${stories} forløb, ${totals.processes} processer, ${totals.killed} dræbt, ${totals.busy} stod tilbage, ${totals.mails} e-mails (seed ${SEED})`);
  expect(totals.busy, 'runs really met each other').toBeGreaterThan(0);
}, 900_000);
