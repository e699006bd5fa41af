// Gmail's daily sending limit met with a refusal that names no time to retry: the job then waits a
// whole day from when the limit was met (Gmail counts the limit over a rolling 24 hours, so every
// message that filled it has aged out by then). A run within that day sends nothing and does not
// ask Gmail; the first run after it finishes the job; every e-mail goes exactly once.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { publishSheet, sheetLog } from '../google/helpers.js';
import { loadXlsx, sentMessages, startStandin, type Standin } from '../standin/index.js';

let standin: Standin;
const SHEET = 'chefforum-sheet-limit-untimed';
const LIMIT = 10;

const publish = (now: string) => publishSheet(standin, SHEET, now);

const sent = () => sentMessages(standin.state.gmail).map((m) => m.messageIdHeader);
const logEntries = () => sheetLog(standin, SHEET);

beforeAll(async () => {
  standin = await startStandin();
  await loadXlsx(standin, BUNDLED_WORKBOOK, { id: SHEET });
  standin.state.gmail.dailyLimit = LIMIT;
  standin.state.gmail.dailyLimitNamesTime = false;
  standin.state.gmail.today = '2022-03-18';
});
afterAll(async () => standin.close());

it('without a time from Gmail, the rest waits a day from when the limit was met, then goes, each e-mail once', async () => {
  // Friday 12:00 in Copenhagen (11:00 UTC): the limit is met.
  const first = await publish('2022-03-18T12:00');
  expect(first.code).toBe(0);
  expect(sent()).toHaveLength(LIMIT);
  expect(logEntries().filter((e) => e.action === 'sendeloft')).toEqual([expect.objectContaining({ waiting: '8', retryAt: '2022-03-19T11:00:00.000Z' })]);
  expect(first.out).toContain('Kontoens daglige grænse for afsendte e-mails er nået. 8 e-mails venter og sendes ved den første kørsel efter 19. marts 2022 kl. 12:00. Intet går tabt, og intet sendes to gange.');

  // Saturday 11:30: Gmail's own day has turned, but the day since the limit was met has not: nothing is tried.
  standin.state.gmail.today = '2022-03-19';
  const before = standin.calls.list.length;
  const early = await publish('2022-03-19T11:30');
  expect(early.code).toBe(0);
  expect(sent()).toHaveLength(LIMIT);
  expect(standin.calls.list.slice(before).filter((c) => c.route.startsWith('gmail.'))).toEqual([]);

  // Saturday 12:30: the rest goes, with the secretary's one notice, each exactly once.
  const done = await publish('2022-03-19T12:30');
  expect(done.code).toBe(0);
  expect(sent()).toHaveLength(19);
  expect(new Set(sent()).size).toBe(19);
  expect(standin.state.gmail.drafts.size).toBe(0);
});
