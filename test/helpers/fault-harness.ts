// The set-up the Google-path fault and limit suites share: stand-in, services as Google mode wires them, seeded faults, kills, re-runs, and the counts read back.

import { DateTime } from 'luxon';
import { afterAll, beforeAll } from 'vitest';
import { LOG_TAB } from '../../sheets-schema/schema.js';
import { loadMailTemplate, type MailTemplate } from '../../src/delivery/mail/mail-template.js';
import type { LogAction } from '../../src/delivery/ports.js';
import { UserError } from '../../src/errors.js';
import { openGoogle, type Google } from '../../src/google/client.js';
import { driveDocumentStore } from '../../src/google/drive.js';
import { gmailTransport } from '../../src/google/gmail.js';
import { googleSheetSource } from '../../src/google/sheets-read.js';
import { parseLogRows, sheetsStateStore } from '../../src/google/sheets-state.js';
import type { WorkbookModel } from '../../src/model.js';
import { createComposer } from '../../src/publish/composer.js';
import type { Services } from '../../src/publish/run.js';
import { readAndValidate } from '../../src/validate/index.js';
import type { RawWorkbook } from '../../src/workbook/raw.js';
import { startStandin, type Fault, type Standin } from '../standin/index.js';
import { standinEnv } from '../google/helpers.js';
import { instantRenderer } from './fakes.js';

export interface GoogleSuite {
  readonly standin: Standin;
  readonly template: MailTemplate;
  env(): NodeJS.ProcessEnv;
}

/** One stand-in per file; the suites reset it per seed or case rather than start a server each time. */
export function useGoogleSuite(): GoogleSuite {
  let standin: Standin | undefined;
  let template: MailTemplate | undefined;
  beforeAll(async () => {
    standin = await startStandin();
    template = await loadMailTemplate();
  });
  afterAll(() => standin?.close());
  // A module-level use would otherwise fail later with an unclear undefined.
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the suite is used before its beforeAll ran');
    return v;
  };
  return {
    get standin() {
      return started(standin);
    },
    get template() {
      return started(template);
    },
    env: () => ({ ...process.env, ...standinEnv(started(standin)) }),
  };
}

/** As the wiring gives them in Google mode, so the faults hit the real adapters; documents render instantly since their content is not under test. */
export async function googleServices(google: Google, read: { model: WorkbookModel; raw: RawWorkbook }, template: MailTemplate, extra: Partial<Services> = {}): Promise<Services> {
  return {
    documents: extra.documents ?? memberDocumentStore(google, read.model),
    state: sheetsStateStore({ raw: read.raw, google }),
    mail: gmailTransport(await google.gmail(), { policy: google.policy }),
    renderer: instantRenderer(),
    composer: createComposer(read.model.settings, template),
    // The runner's pause before writing a result again, without the wait.
    retryDelay: async () => {},
    ...extra,
  };
}

export function memberDocumentStore(google: Google, model: WorkbookModel): ReturnType<typeof driveDocumentStore> {
  return driveDocumentStore({ google, memberEmails: model.members.filter((m) => m.active && m.seesClosed).map((m) => m.email) });
}

class Killed extends Error {}

/** A kill at a checkpoint stands for a process that dies there; `steps` lets a suite aim its kills at a clean run's later steps. */
export function killSwitch(killAt: number): { readonly checkpoint: () => void; readonly steps: number } {
  let steps = 0;
  return {
    checkpoint: () => {
      if (steps++ === killAt) throw new Killed();
    },
    get steps() {
      return steps;
    },
  };
}

export const FAULT_STATUSES = [429, 500, 503, '403-rateLimit'] as const;

export interface FaultMix {
  readonly routes: readonly string[];
  readonly perAttempt: number;
  /** A delay past the client's timeout, so the call may have done its work without the client knowing. */
  readonly timeoutShare: number;
  readonly delayMs: number;
  /** An error after the work was done: the answer lost, the write made. */
  readonly afterShare: number;
  /** A 400 after a write ends the run on the spot, like a kill between two writes. */
  readonly crash?: { readonly routes: readonly string[]; readonly share: number };
}

// NOTE: the draws come in a fixed order (timeout, route, crash, status, times, after), so a seed replays the same faults.
export function drawFault(rnd: () => number, mix: FaultMix): Fault {
  const timeout = rnd() < mix.timeoutShare;
  const match = mix.routes[Math.floor(rnd() * mix.routes.length)]!;
  const crash = mix.crash !== undefined && mix.crash.routes.includes(match) && rnd() < mix.crash.share;
  if (timeout) return { match, delayMs: mix.delayMs };
  if (crash) return { match, status: 400, reason: 'badRequest', after: true };
  return { match, status: FAULT_STATUSES[Math.floor(rnd() * FAULT_STATUSES.length)]!, times: 1 + Math.floor(rnd() * 2), after: rnd() < mix.afterShare };
}

export interface FaultTally {
  attempts: number;
  kills: number;
  serviceFailures: number;
  faults: number;
}

export interface UntilDone {
  readonly seed: number;
  readonly rnd: () => number;
  /** Local time in Copenhagen, as the schedule is. */
  readonly start: string;
  readonly mix: FaultMix;
  /** Drawn only on a faulty attempt, so a clean seed consumes no randomness for kills. */
  drawKill(): number;
  /** False if the run stood back for another run's lease. */
  run(now: DateTime, killAt: number): Promise<boolean>;
  readonly tally: FaultTally;
  /** To replay a seed that fails. */
  readonly faultLog?: unknown[];
}

/** Faults and kills only in the first 8 attempts, so every seed can finish; seed 0 stays clean to say what must arrive. */
export async function runUntilDone(standin: Standin, o: UntilDone): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (attempt > 30) throw new Error(`seed ${o.seed}: never finished`);
    o.tally.attempts++;
    const faulty = o.seed > 0 && attempt < 8;
    if (faulty) {
      for (let i = 0; i < o.mix.perAttempt; i++) {
        const fault = drawFault(o.rnd, o.mix);
        standin.faults.push(fault);
        o.faultLog?.push({ phase: o.start, attempt, ...fault });
        o.tally.faults++;
      }
    }
    const killAt = faulty ? o.drawKill() : -1;
    try {
      // NOTE: each attempt is the next scheduled run, 16 minutes on, so an abandoned lease has expired.
      const now = DateTime.fromISO(o.start, { zone: 'Europe/Copenhagen' }).plus({ minutes: 16 * attempt });
      const finished = await o.run(now, killAt);
      standin.faults.length = 0;
      if (!finished) throw new Error('a run stood back for a lease that should have expired');
      return;
    } catch (e) {
      standin.faults.length = 0;
      if (e instanceof Killed) o.tally.kills++;
      else if (e instanceof UserError && e.reason === 'service') o.tally.serviceFailures++;
      else throw e;
    }
  }
}

export function countByMessageId(messages: readonly { readonly messageIdHeader: string }[]): Map<string, number> {
  const byId = new Map<string, number>();
  for (const m of messages) byId.set(m.messageIdHeader, (byId.get(m.messageIdHeader) ?? 0) + 1);
  return byId;
}

/** Exactly once is judged against what the clean run sent. */
export function mailErrors(byId: ReadonlyMap<string, number>, expected: ReadonlySet<string>): { duplicates: number; losses: number } {
  return { duplicates: [...byId.values()].reduce((s, n) => s + n - 1, 0), losses: [...expected].filter((id) => !byId.has(id)).length };
}

/** Read back through a fresh client, as the next run would, so a write the run only believed it made counts as a gap. */
export async function logGaps(suite: GoogleSuite, sheet: string, action: LogAction, sent: Iterable<string>): Promise<number> {
  const { raw } = await readAndValidate(googleSheetSource(sheet, await openGoogle(suite.env())));
  const logged = new Set(parseLogRows(raw.grids.get(LOG_TAB.name)).filter((e) => e.action === action && e.status === 'udført').map((e) => e.messageId));
  return [...sent].filter((id) => !logged.has(id)).length;
}

/** Folders have no format and a trashed file is gone for its readers, so neither counts. */
export function documentFilesPerKey(standin: Standin): Map<string, number> {
  const perKey = new Map<string, number>();
  for (const f of standin.state.drive.files.values()) {
    if (!f.appProperties?.format || f.trashed) continue;
    const k = `${f.appProperties.meeting} ${f.appProperties.kind} ${f.appProperties.edition} ${f.appProperties.format}`;
    perKey.set(k, (perKey.get(k) ?? 0) + 1);
  }
  return perKey;
}
