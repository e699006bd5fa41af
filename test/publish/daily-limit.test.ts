// Gmail's daily sending limit met by `dagsorden publish --sheet` against the stand-in (real client
// libraries): the run that reaches it stops sending and keeps the rest; a run the same day sends
// nothing more; the next day's run finishes the job; every e-mail goes exactly once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPublish } from '../../src/commands/publish.js';
import { dailySendingLimit } from '../../src/google/translate-error.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { loadXlsx, sentMessages, sheetOf, startStandin, valuesOf, type Standin } from '../standin/index.js';

let standin: Standin;
const SHEET = 'chefforum-sheet-limit';
const LIMIT = 10;

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DAGSORDEN_GOOGLE_ROOT_URL: standin.url,
    DAGSORDEN_GOOGLE_ACCESS_TOKEN: 'test-token',
    DAGSORDEN_MAIL: 'gmail',
    DAGSORDEN_SOFFICE: '/ingen/libreoffice', // .docx only
    DAGSORDEN_GOOGLE_TIMEOUT_MS: '2000',
  };
}

async function publish(now: string): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runPublish({ sheet: SHEET, now, out: '/tmp/dagsorden-google-unused' }, { out: (s) => out.push(s), err: (s) => out.push(s), env: env(), isTTY: false });
  return { code, out };
}

const sent = () => sentMessages(standin.state.gmail).map((m) => m.messageIdHeader);

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
  });

  it('a second run the same day sends nothing more and loses nothing', async () => {
    const r = await publish('2022-03-18T12:05');
    expect(r.code).toBe(0);
    expect(sent()).toHaveLength(LIMIT);
  });

  it('the next day’s run finishes the job: all 18 invitations, each exactly once', async () => {
    standin.state.gmail.today = '2022-03-19';
    const r = await publish('2022-03-19T12:00');
    expect(r.code).toBe(0);
    expect(sent()).toHaveLength(18);
    expect(new Set(sent()).size).toBe(18);
    // Nothing left over in the mailbox: every staged draft went.
    expect(standin.state.gmail.drafts.size).toBe(0);
  });
});
