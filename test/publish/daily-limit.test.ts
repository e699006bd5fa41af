// Gmail's daily sending limit met by `dagsorden publish --sheet` against the stand-in (real client
// libraries): the run that reaches it stops sending and keeps the rest; a run the same day sends
// nothing more; the next day's run finishes the job; every e-mail goes exactly once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailySendingLimit } from '../../src/google/translate-error.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { simpleParser } from 'mailparser';
import { publishSheet, sheetLog } from '../google/helpers.js';
import { loadXlsx, sentMessages, sheetOf, startStandin, valuesOf, type Standin } from '../standin/index.js';

let standin: Standin;
const SHEET = 'chefforum-sheet-limit';
const LIMIT = 10;

const publish = (now: string) => publishSheet(standin, SHEET, now);

const sent = () => sentMessages(standin.state.gmail).map((m) => m.messageIdHeader);
const logEntries = () => sheetLog(standin, SHEET);
/** Møde-id → Næste, as the write-back left the Møder tab. */
function next(): Map<string, string> {
  const [header, ...rows] = valuesOf(sheetOf(standin, SHEET, 'Møder')).map((r) => r.map((v) => String(v ?? '')));
  const id = header!.indexOf('Møde-id');
  const col = header!.indexOf('Næste');
  return new Map(rows.map((r) => [r[id]!, r[col] ?? '']));
}
/** The 8 that wait: the rest of the agenda of 24 March (the minutes of 2021 went first). */
const expectedNext = ['Dagligt sendeloft nået: 8 e-mails venter; de sendes fra lørdag d. 19. marts 2022 kl. 01:00'];

beforeAll(async () => {
  standin = await startStandin();
  await loadXlsx(standin, BUNDLED_WORKBOOK, { id: SHEET });
  standin.state.gmail.dailyLimit = LIMIT;
  standin.state.gmail.today = '2022-03-18';
});
afterAll(async () => standin.close());

describe('Gmail’s daily sending limit', () => {
  it('the stand-in answers the message after the limit as Gmail does: 429 "(Mail sending)" with the time to retry', async () => {
    expect(standin.state.gmail.dailyLimit).toBe(LIMIT);
    const e = Object.assign(new Error('User-rate limit exceeded.  Retry after 2022-03-19T00:00:00.000Z (Mail sending)'), { status: 429, response: { status: 429, data: { error: { code: 429, message: 'User-rate limit exceeded.  Retry after 2022-03-19T00:00:00.000Z (Mail sending)', errors: [{ reason: 'rateLimitExceeded' }] } } } });
    expect(dailySendingLimit(e)?.retryAt?.toISOString()).toBe('2022-03-19T00:00:00.000Z');
  });

  it('the run that reaches it sends up to the limit, stops, and the exit code is 0', async () => {
    const r = await publish('2022-03-18T12:00');
    expect(r.code).toBe(0);
    expect(sent()).toHaveLength(LIMIT);
    // The output says how many wait and when they go (Copenhagen time: midnight UTC is 01:00).
    expect(r.out).toContain('Kontoens daglige grænse for afsendte e-mails er nået. 8 e-mails venter og sendes ved den første kørsel efter 19. marts 2022 kl. 01:00. Intet går tabt, og intet sendes to gange.');
    // The one that met the limit is recorded as not sent, with the reason in Danish.
    // Not retried within the run: the limit holds for hours.
    const refused = standin.calls.list.filter((c) => c.route === 'gmail.users.drafts.send' && c.status === 429);
    expect(refused).toHaveLength(1);
    const log = valuesOf(sheetOf(standin, SHEET, 'Udsendelser')).map((row) => row.map(String).join(' | '));
    expect(log.filter((l) => l.includes('ikke sendt') && l.includes('daglige grænse for afsendte e-mails er nået; der kan sendes igen fra 2022-03-19T00:00:00.000Z'))).toHaveLength(1);
    // What the limit told is recorded in its own columns (numbers and a time), for Næste and later runs.
    const limits = logEntries().filter((e) => e.action === 'sendeloft');
    expect(limits).toEqual([expect.objectContaining({ waiting: '8', retryAt: '2022-03-19T00:00:00.000Z', status: 'udført' })]);
    // Næste says how many wait and when they go, as the planner will send them then.
    expect([...next().values()].filter((t) => t.startsWith('Dagligt sendeloft nået'))).toEqual(expectedNext);
  });

  it('a second run the same day sends nothing more, does not try (no refused send), loses nothing, and says so', async () => {
    const before = standin.calls.list.length;
    const r = await publish('2022-03-18T12:05');
    expect(r.code).toBe(0);
    expect(sent()).toHaveLength(LIMIT);
    // No send is spent on a refusal, and no waiting draft is asked about one by one.
    const calls = standin.calls.list.slice(before).map((c) => c.route);
    expect(calls.filter((c) => c.startsWith('gmail.'))).toEqual([]);
    expect(r.out).toContain('Kontoens daglige grænse for afsendte e-mails er nået. 8 e-mails venter og sendes ved den første kørsel efter 19. marts 2022 kl. 01:00. Intet går tabt, og intet sendes to gange.');
    expect([...next().values()].filter((t) => t.startsWith('Dagligt sendeloft nået'))).toEqual(expectedNext);
    expect(logEntries().filter((e) => e.action === 'sendeloft')).toHaveLength(1);
  });

  it('the next day’s run finishes the job: all 18 invitations, each exactly once', async () => {
    standin.state.gmail.today = '2022-03-19';
    const r = await publish('2022-03-19T12:00');
    expect(r.code).toBe(0);
    // 18 e-mails to members, and the secretary's one notice of the limit, first of all.
    expect(sent()).toHaveLength(19);
    expect(new Set(sent()).size).toBe(19);
    // Nothing left over in the mailbox: every staged draft went.
    expect(standin.state.gmail.drafts.size).toBe(0);
    expect([...next().values()].filter((t) => t.startsWith('Dagligt sendeloft nået'))).toEqual([]);
  });

  it('the secretary is told once, in Danish: how many waited, when they went, and that nothing needs doing', async () => {
    const notices = sentMessages(standin.state.gmail).filter((m) => m.messageIdHeader.startsWith('<sendeloft-'));
    expect(notices).toHaveLength(1);
    const notice = notices[0]!;
    // It went first when sending resumed: the limit holds for it too, so it could not go before.
    const resumed = logEntries().filter((e) => e.at.startsWith('2022-03-19') && e.status === 'udført' && (e.action === 'send' || e.action === 'notify'));
    expect(resumed[0]).toEqual(expect.objectContaining({ action: 'notify', messageId: notice.messageIdHeader, recipient: 'sekretariat@example.org' }));
    const mail = await simpleParser(notice.raw);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('sekretariat@example.org');
    expect(mail.subject).toBe('Den daglige grænse for afsendte e-mails blev nået – du skal ikke gøre noget');
    expect(mail.text).toContain('nåede fredag d. 18. marts 2022 kl. 12:00 den daglige grænse');
    expect(mail.text).toContain('Dagligt sendeloft nået: 8 e-mails venter; de sendes fra lørdag d. 19. marts 2022 kl. 01:00, ved den første planlagte kørsel derefter.');
    expect(mail.text).toContain('Du skal ikke gøre noget');
    // A later run tells her nothing more.
    const r = await publish('2022-03-19T13:00');
    expect(r.code).toBe(0);
    expect(sent()).toHaveLength(19);
  });
});
