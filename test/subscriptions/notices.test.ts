// Citizens' notices through the runner (issue 21): one e-mail per address and published public
// version, only to confirmed subscriptions older than the publication, never for a change only the
// members' edition shows; and exactly once when a run is killed at any step, whatever the transport
// (generated: SUBSCRIPTION_RUNS for a long run, PROPERTY_SEED for another seed).

import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMailTemplate, type MailTemplate } from '../../src/delivery/mail/mail-template.js';
import type { OutgoingMail } from '../../src/delivery/ports.js';
import { loadTemplate, type Template } from '../../src/documents/template.js';
import type { Subscription } from '../../src/portal/subscriptions/rules.js';
import { createComposer } from '../../src/publish/composer.js';
import { runPublish } from '../../src/publish/run.js';
import { runPublish as publishCommand } from '../../src/commands/publish.js';
import { sqliteSubscriptionStore, subscriptionsPath } from '../../src/local/subscriptions.js';
import { validateWorkbook } from '../../src/validate/index.js';
import { driveLikeStore, instantRenderer, recordingTransport } from '../helpers/fakes.js';
import { memoryState, type MemoryState } from '../helpers/memory-state.js';
import { baseline, rawTestWorkbook, writeTestWorkbook, type TestWorkbook } from '../helpers/workbook.js';

const RUNS = Number(process.env.SUBSCRIPTION_RUNS ?? 60);
const SEED = Number(process.env.PROPERTY_SEED ?? 20261204);

let template: Template;
let mailTemplate: MailTemplate;
beforeAll(async () => {
  template = await loadTemplate();
  mailTemplate = await loadMailTemplate();
});

const token = (c: string): string => c.repeat(43);
const sub = (id: string, email: string, kind: 'forum' | 'sag', target: string, confirmedAt?: string): Subscription => ({
  id,
  email,
  kind,
  target,
  token: token(id),
  requestedAt: '2022-03-01T08:00:00.000Z',
  ...(confirmedAt ? { confirmedAt } : {}),
});

const SUBSCRIPTIONS: Subscription[] = [
  sub('a', 'anna@borger.dk', 'forum', 'Chefforum', '2022-03-01T09:00:00.000Z'),
  sub('b', 'anna@borger.dk', 'sag', '00.30.00-P00-5-21', '2022-03-01T09:00:00.000Z'),
  sub('c', 'bent@borger.dk', 'sag', '00.30.00-P00-5-21', '2022-03-01T09:00:00.000Z'),
  sub('d', 'dorte@borger.dk', 'forum', 'Direktionens Forum', '2022-03-01T09:00:00.000Z'),
  sub('e', 'erik@borger.dk', 'forum', 'Chefforum', '2022-03-20T09:00:00.000Z'),
  sub('f', 'frida@borger.dk', 'forum', 'Chefforum'),
];

function workbook(): TestWorkbook {
  const wb = baseline();
  wb.items.push({ 'Møde-id': 'CF-2022-03-24', Nr: 3, Titel: 'Personalesag HEMMELIG', 'Sagsnr.': '81.00.00-G01-1-22', Lukket: 'Ja', Anledning: 'Fortroligt HEMMELIG' });
  return wb;
}

interface World {
  wb: TestWorkbook;
  state: MemoryState;
  transport: ReturnType<typeof recordingTransport>;
  subscriptions: Subscription[];
}

async function run(w: World, at: string, checkpoint?: (label: string) => void): Promise<OutgoingMail[]> {
  const { model, problems } = validateWorkbook(rawTestWorkbook(w.wb));
  const before = w.transport.delivered.length;
  await runPublish(
    { model, problems, now: DateTime.fromISO(at, { zone: 'Europe/Copenhagen' }) },
    {
      documents: driveLikeStore(),
      mail: w.transport,
      state: w.state,
      renderer: instantRenderer(),
      composer: createComposer(model.settings, mailTemplate),
      subscribers: { description: 'test', readSubscriptions: async () => w.subscriptions, template },
      retryDelay: async () => {},
      ...(checkpoint ? { checkpoint } : {}),
    },
  );
  return w.transport.delivered.slice(before).filter((m) => m.messageId.startsWith('<abonnent-'));
}

const world = (canTell: boolean | 'drafts' = true): World => ({ wb: workbook(), state: memoryState(), transport: recordingTransport(canTell), subscriptions: SUBSCRIPTIONS });

describe('notices to subscribers', () => {
  it('one per address and public version, to confirmed subscriptions older than the publication, from the public edition', async () => {
    const w = world();
    const first = await run(w, '2022-03-17T12:00');
    expect(first.map((m) => m.to).sort()).toEqual(['anna@borger.dk', 'bent@borger.dk']);
    const anna = await simpleParser(first.find((m) => m.to === 'anna@borger.dk')!.raw);
    expect(anna.subject).toBe('Ny dagsorden: Chefforum torsdag d. 24. marts 2022 kl. 09:00');
    const head = first.find((m) => m.to === 'anna@borger.dk')!.raw.toString('utf8').split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
    expect(head).toContain('\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
    expect(head).toContain(`\r\nList-Unsubscribe: <http://localhost:8080/abonnement/afmeld?t=${token('a')}>\r\n`);
    expect(anna.text?.trim()).toBe(
      [
        'Dagsordenen til Chefforums møde torsdag d. 24. marts 2022 kl. 09:00 (Mødelokale 1) er offentliggjort.',
        '',
        'Punkter:',
        '- Punkt 1: CF - Godkendelse af dagsorden (9.00-9.20)',
        '- Punkt 2: CF - Budgetproces 2023 (9.20-10.00)',
        '- Punkt 3: Lukket',
        '',
        'Se mødet: http://localhost:8080/moeder/cf-2022-03-24/',
        'Dagsordenen som PDF: https://drive.example/file-4',
        '',
        'Du får denne e-mail, fordi du abonnerer på Chefforum og sagen 00.30.00-P00-5-21.',
        `Afmeld med ét klik: http://localhost:8080/abonnement/afmeld?t=${token('a')}`,
        `Se og ændr dine abonnementer: http://localhost:8080/abonnement/?t=${token('a')}`,
      ].join('\n'),
    );
    for (const m of first) expect(m.raw.toString('latin1')).not.toContain('HEMMELIG');
    // The log names subscribers by their subscription's id, never by address.
    const rows = w.state.log.filter((e) => e.action === 'abonnement');
    expect(rows.filter((e) => e.status === 'udført').map((e) => e.recipient).sort()).toEqual(['abonnent:a', 'abonnent:c']);
    expect(JSON.stringify(w.state.log)).not.toContain('borger.dk');

    // Counted in Senest udsendt beside the members' e-mails.
    expect(w.state.lastWriteBack?.meetings.get('CF-2022-03-24')?.['Senest udsendt']).toBe('2022-03-17 12:00: Dagsorden version 1 til 2 modtagere; 2 abonnenter fik besked om dagsorden version 1');

    expect(await run(w, '2022-03-17T12:05')).toEqual([]);

    // A change only the members' edition shows: no new public version, no notice.
    w.wb.items[2]!.Anledning = 'Fortroligt HEMMELIG, ændret';
    expect(await run(w, '2022-03-18T12:00')).toEqual([]);

    // A public change: a new version, announced as amended, now also to the one who confirmed since.
    w.wb.items[1]!.Titel = 'Budgetproces 2023 og 2024';
    const amended = await run(w, '2022-03-21T12:00');
    expect(amended.map((m) => m.to).sort()).toEqual(['anna@borger.dk', 'bent@borger.dk', 'erik@borger.dk']);
    expect(amended.every((m) => m.subject.startsWith('Ændret dagsorden: Chefforum'))).toBe(true);

    w.wb.meetings[0]!.Status = 'Referat klar';
    w.wb.items[0]!.Beslutning = 'Godkendt.';
    w.wb.items[1]!.Beslutning = 'Drøftet.';
    const minutes = await run(w, '2022-03-24T13:00');
    expect(minutes.map((m) => `${m.to} ${m.subject}`).sort()).toEqual([
      'anna@borger.dk Nyt referat: Chefforum torsdag d. 24. marts 2022 kl. 09:00',
      'bent@borger.dk Nyt referat: Chefforum torsdag d. 24. marts 2022 kl. 09:00',
      'erik@borger.dk Nyt referat: Chefforum torsdag d. 24. marts 2022 kl. 09:00',
    ]);
  });

  it('a subscriber who unsubscribed gets nothing more; a meeting held back by its problems sends nothing', async () => {
    const w = world();
    w.subscriptions = SUBSCRIPTIONS.filter((s) => s.email !== 'bent@borger.dk');
    w.wb.items[1]!.Tidsrum = '25.00-26.00';
    expect(await run(w, '2022-03-17T12:00')).toEqual([]);
    w.wb.items[1]!.Tidsrum = '9.20-10.00';
    expect((await run(w, '2022-03-17T12:10')).map((m) => m.to)).toEqual(['anna@borger.dk']);
  });
});

describe('exactly once, killed at any step (generated)', () => {
  it(`holds for ${RUNS} seeded kill sequences over the outbox-like, SMTP-like and draft transports`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<boolean | 'drafts'>(true, false, 'drafts'), fc.array(fc.nat(12), { minLength: 1, maxLength: 4 }), async (canTell, kills) => {
        const w = world(canTell);
        // Each run 16 minutes after the last: a killed run's lease has expired by then.
        let clock = DateTime.fromISO('2022-03-17T12:00');
        const at = (): string => (clock = clock.plus({ minutes: 16 })).toISO()!;
        for (const k of kills) {
          let n = 0;
          try {
            await run(w, at(), () => {
              if (n++ === k) throw new Error('killed');
            });
          } catch (e) {
            if ((e as Error).message !== 'killed') throw e;
          }
        }
        await run(w, at());
        await run(w, at());
        const notices = w.transport.delivered.filter((m) => m.messageId.startsWith('<abonnent-'));
        expect(notices.map((m) => m.to).sort()).toEqual(['anna@borger.dk', 'bent@borger.dk']);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 120_000);
});

describe('--dry-run', () => {
  it('lists the notices a real run would send, counting what the plan publishes as published now, and sends none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dagsorden-dry-'));
    const workbookFile = await writeTestWorkbook(workbook(), dir);
    const out = join(dir, 'out');
    const store = await sqliteSubscriptionStore(subscriptionsPath(out));
    await store.putAll(SUBSCRIPTIONS);
    store.close();
    const lines: string[] = [];
    const io = { out: (s: string) => lines.push(s), err: () => {}, env: { DAGSORDEN_SOFFICE: '/ingen/libreoffice', DAGSORDEN_MAIL: 'outbox' }, isTTY: true };
    await publishCommand({ workbook: workbookFile, out, now: '2022-03-17T12:00', dryRun: true }, io);
    expect(lines.filter((l) => l.includes('abonnent'))).toEqual(['  - Send besked til 2 abonnenter om dagsorden for CF-2022-03-24, version 1']);
    const notices = async (): Promise<string[]> => (await readdir(join(out, 'outbox')).catch(() => [] as string[])).filter((f) => f.startsWith('abonnent-'));
    expect(await notices()).toEqual([]);
    await publishCommand({ workbook: workbookFile, out, now: '2022-03-17T12:00' }, io);
    expect(await notices()).toHaveLength(2);
  });
});
