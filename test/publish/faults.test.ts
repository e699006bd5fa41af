// The fault suite: runs killed at random points and hit by transient faults, re-run until done.
// Afterwards, per run: one file per document and edition, one e-mail per message, the log complete.
// FAULT_RUNS=2000 npx vitest run test/publish/faults.test.ts for a longer soak.

import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryState } from '../helpers/memory-state.js';
import { loadMailTemplate } from '../../src/delivery/mail/mail-template.js';
import type { DocumentStore, MailTransport, StateStore } from '../../src/delivery/ports.js';
import type { Meeting, WorkbookModel } from '../../src/model.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { createComposer } from '../../src/publish/composer.js';
import { runPublish, type Services } from '../../src/publish/run.js';
import { readAndValidate } from '../../src/validate/index.js';
import { parseRichText } from '../../src/validate/richtext.js';
import { xlsxSource } from '../../src/local/xlsx.js';
import { prng } from '../helpers/prng.js';
import { driveLikeStore, instantRenderer, recordingTransport } from '../helpers/fakes.js';

const RUNS = Number(process.env.FAULT_RUNS ?? 210);

class Killed extends Error {}
class TransientFault extends Error {}

let base: WorkbookModel;
let template: Awaited<ReturnType<typeof loadMailTemplate>>;

beforeAll(async () => {
  const { model } = await readAndValidate(xlsxSource(BUNDLED_WORKBOOK));
  const meeting = model.meetings.find((m) => m.id === 'CF-2021-03-04')!;
  // One meeting with a closed item, and four members (two entitled, one inactive).
  base = {
    ...model,
    meetings: [{ ...meeting, status: 'Dagsorden klar', items: meeting.items.map((i) => ({ ...i, decision: undefined })) }],
    members: [
      ...model.members.filter((m) => m.active && m.seesClosed).slice(0, 2),
      ...model.members.filter((m) => m.active && !m.seesClosed).slice(0, 1),
      ...model.members.filter((m) => !m.active).slice(0, 1),
    ],
  };
  template = await loadMailTemplate();
});

/** The secretary's three edits: the agenda is ready, then amended, then the minutes are ready. */
function phases(): { now: DateTime; model: WorkbookModel }[] {
  const m = base.meetings[0]!;
  const amended: Meeting = { ...m, items: m.items.map((i) => (i.number === 4 ? { ...i, title: `${i.title} (rettet)` } : i)) };
  const minutes: Meeting = { ...amended, status: 'Referat klar', items: amended.items.map((i) => ({ ...i, decision: parseRichText('Godkendt.') })) };
  const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Copenhagen' });
  return [
    { now: at('2021-02-25T12:00'), model: base },
    { now: at('2021-03-01T10:00'), model: { ...base, meetings: [amended] } },
    { now: at('2021-03-05T10:00'), model: { ...base, meetings: [minutes] } },
  ];
}

interface Totals {
  runs: number;
  attempts: number;
  kills: number;
  faults: number;
  duplicates: number;
  losses: number;
  duplicateFiles: number;
  logGaps: number;
}

/** Wraps a service so that operations fail now and then, before or after taking effect. */
function flaky<T extends object>(target: T, methods: (keyof T)[], rnd: () => number, rate: number, count: () => void, afterToo: boolean): T {
  const wrapped = Object.create(target) as T;
  for (const name of methods) {
    const fn = target[name];
    if (typeof fn !== 'function') continue;
    (wrapped as Record<keyof T, unknown>)[name] = async (...args: unknown[]) => {
      if (rnd() < rate) {
        count();
        throw new TransientFault(`før ${String(name)}`);
      }
      const result = await (fn as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      if (afterToo && rnd() < rate) {
        count();
        throw new TransientFault(`efter ${String(name)}`);
      }
      return result;
    };
  }
  return wrapped;
}

async function simulate(seed: number, canTell: boolean | 'drafts', totals: Totals): Promise<void> {
  const rnd = prng(seed);
  const store = driveLikeStore();
  const transport = recordingTransport(canTell);
  const state = memoryState();
  const fault = () => totals.faults++;
  for (const { now, model } of phases()) {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 40) throw new Error(`seed ${seed}: never finished`);
      totals.attempts++;
      const killAt = rnd() < 0.6 ? Math.floor(rnd() * 30) : -1;
      let step = 0;
      const rate = attempt < 10 ? 0.08 : 0; // faults stop eventually, as real outages do
      const services: Services = {
        documents: flaky<DocumentStore>(store, ['putDocument', 'findDocument'], rnd, rate, fault, true),
        // NOTE: an SMTP server's OK that never reaches us cannot be told from a failure; that window is
        // only exercised for transports that can tell afterwards whether a message went.
        mail: flaky<MailTransport>(transport, ['send', 'prepare'], rnd, rate, fault, canTell !== false),
        state: flaky<StateStore>(state, ['appendLog', 'writeBack'], rnd, rate, fault, true),
        renderer: instantRenderer(),
        composer: createComposer(model.settings, template),
        // The runner's pause before writing a result again, without the wait: the order of events is what is tested.
        retryDelay: async () => {},
        checkpoint: () => {
          if (step++ === killAt) {
            totals.kills++;
            throw new Killed();
          }
        },
      };
      try {
        // NOTE: each attempt starts a few minutes later, so an abandoned lease expires as in real life.
        await runPublish({ model, problems: [], now: now.plus({ minutes: attempt * 16 }) }, services);
        break;
      } catch (e) {
        if (!(e instanceof Killed || e instanceof TransientFault)) throw e;
      }
    }
  }
  // Exactly one delivery per message, and every message a clean run would send.
  const byId = new Map<string, number>();
  for (const m of transport.delivered) byId.set(m.messageId, (byId.get(m.messageId) ?? 0) + 1);
  totals.duplicates += [...byId.values()].filter((n) => n > 1).reduce((s, n) => s + n - 1, 0);
  totals.losses += [...expectedMessages].filter((id) => !byId.has(id)).length;
  // Exactly one file per document, edition and format.
  const perKey = new Map<string, number>();
  for (const f of store.files.values()) perKey.set(f.key, (perKey.get(f.key) ?? 0) + 1);
  totals.duplicateFiles += [...perKey.values()].filter((n) => n > 1).length;
  // The log knows every delivery and every file.
  const log = await state.readLog();
  const loggedSends = new Set(log.filter((e) => e.action === 'send' && e.status === 'udført').map((e) => e.messageId));
  const loggedFiles = new Set(log.filter((e) => e.action === 'upload' && e.status === 'udført').map((e) => e.fileId));
  totals.logGaps += [...byId.keys()].filter((id) => !loggedSends.has(id)).length + [...store.files.keys()].filter((id) => !loggedFiles.has(id)).length;
  totals.runs++;
}

let expectedMessages = new Set<string>();
let clean: { subjects: string[]; fileKeys: string[]; agendaRevisions: number[] };

// NOTE: the clean run is made here, not in the first test: `-t SMTP` alone must compare against the
// same expected messages, never against an empty set.
beforeAll(async () => {
  const store = driveLikeStore();
  const transport = recordingTransport(true);
  const state = memoryState();
  for (const { now, model } of phases()) {
    await runPublish({ model, problems: [], now }, { documents: store, mail: transport, state, renderer: instantRenderer(), composer: createComposer(model.settings, template) });
  }
  expectedMessages = new Set(transport.delivered.map((m) => m.messageId));
  clean = {
    subjects: transport.delivered.map((m) => m.subject.split(':')[0]!),
    fileKeys: [...store.files.values()].map((f) => f.key),
    agendaRevisions: [...store.files.values()].filter((f) => f.key.includes('dagsorden')).map((f) => f.revisions),
  };
});

describe('fault suite', () => {
  it('a clean run sends each message once and publishes each file once', () => {
    // 3 active members × (invitation + amendment + minutes); 2 documents × 2 editions × 2 formats.
    expect(clean.subjects).toEqual([...Array(3).fill('Dagsorden'), ...Array(3).fill('Ændret dagsorden'), ...Array(3).fill('Referat')]);
    expect(expectedMessages.size).toBe(9);
    expect(new Set(clean.fileKeys).size).toBe(8);
    expect(clean.agendaRevisions).toEqual([2, 2, 2, 2]);
  });

  it.each([
    ['a transport that can tell afterwards (outbox)', true],
    ['a staging transport (Gmail drafts)', 'drafts'],
    ['a transport that cannot tell (SMTP)', false],
  ] as const)(`${Math.ceil(RUNS / 3)} runs killed and faulted at random, with %s`, async (_, canTell) => {
    const totals: Totals = { runs: 0, attempts: 0, kills: 0, faults: 0, duplicates: 0, losses: 0, duplicateFiles: 0, logGaps: 0 };
    const runs = Math.ceil(RUNS / 3);
    expect(expectedMessages.size).toBe(9);
    for (let seed = 1; seed <= runs; seed++) await simulate(seed * (canTell === true ? 1 : canTell ? 104729 : 7919), canTell, totals);
    console.log(`fault suite (${canTell === true ? 'outbox' : canTell ? 'drafts' : 'SMTP'}): runs ${totals.runs}, attempts ${totals.attempts}, kills ${totals.kills}, faults ${totals.faults}, duplicates ${totals.duplicates}, losses ${totals.losses}, duplicate files ${totals.duplicateFiles}, log gaps ${totals.logGaps}`);
    expect(totals.runs).toBe(runs);
    expect(totals.kills).toBeGreaterThan(runs / 2);
    expect(totals.faults).toBeGreaterThan(runs / 2);
    expect({ duplicates: totals.duplicates, losses: totals.losses, duplicateFiles: totals.duplicateFiles, logGaps: totals.logGaps }).toEqual({ duplicates: 0, losses: 0, duplicateFiles: 0, logGaps: 0 });
  });
});
