// Fixtures for the mail tests: meetings, members and settings as the validated model, and a decoder of every part of a message.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import ical from 'node-ical';
import type { Item, Meeting, Member, Settings } from '../../src/model.js';
import { parseRichText } from '../../src/validate/richtext.js';
import { parseTimeSlot } from '../../src/validate/values.js';
import { testItem } from '../helpers/items.js';

export const CANARY = 'FORTROLIGT-KANARIE-7Q';

export function slot(label: string): NonNullable<Item['timeSlot']> {
  const r = parseTimeSlot(label);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

export function item(number: number, title: string, extra: Partial<Item> = {}): Item {
  return testItem('CF-2022-03-24', number, { title, caseNumber: `00.01.00-A21-${number}-22`, ...extra });
}

/** A closed item with the canary in every cell a closed item has. */
export function canaryItem(number: number, meetingId = 'CF-2022-03-24'): Item {
  return item(number, `Personalesag ${CANARY}-titel`, {
    meetingId,
    caseNumber: '82.13.10-P05-1-21',
    closed: true,
    timeSlot: slot('9.40-10.00'),
    occasion: parseRichText(`Anledning ${CANARY}-anledning`),
    presentation: parseRichText(`Sagsfremstilling med **fed** ${CANARY}-sagsfremstilling\n\n| Opgave | Tid |\n| --- | --- |\n| ${CANARY}-tabel | 6 timer |`),
    supplement: parseRichText(`Supplerende ${CANARY}-supplerende`),
    recommender: `Direktøren ${CANARY}-indstiller`,
    recommendation: [`at ${CANARY}-indstilling godkendes`],
    history: parseRichText(`Historik ${CANARY}-historik`),
    decision: parseRichText(`Beslutning ${CANARY}-beslutning`),
    attachments: [{ title: `Bilag ${CANARY}-bilag`, url: `https://example.org/${CANARY}-bilag.pdf` }],
  });
}

export function meeting(extra: Partial<Meeting> = {}): Meeting {
  const id = extra.id ?? 'CF-2022-03-24';
  return {
    id,
    forum: 'Chefforum',
    date: '2022-03-24',
    start: '09:00',
    end: '12:00',
    place: 'Mødelokale 1',
    status: 'Dagsorden klar',
    remark: 'Intern bemærkning BEMÆRKNING-KANARIE',
    items: [
      item(1, 'Godkendelse af dagsorden', { meetingId: id, timeSlot: slot('9.00-9.20'), recommender: 'Kommunaldirektøren', recommendation: ['at dagsordenen godkendes.'] }),
      item(2, 'Budgetproces 2023', { meetingId: id, timeSlot: slot('9.20-9.40'), occasion: parseRichText('Chefforum drøfter budgetproces 2023 & tidsplan <udkast>.') }),
      canaryItem(3, id),
      item(4, 'Eventuelt', { meetingId: id, caseNumber: '00.01.00-A21-2-21' }),
    ],
    row: 2,
    ...extra,
  };
}

export const settings: Settings = {
  organisation: 'Albertslund Kommune',
  timeZone: 'Europe/Copenhagen',
  sender: 'Sekretariatet for Chefforum <chefforum@example.org>',
  replyTo: 'chefforum-svar@example.org',
  daysBefore: 7,
  sendTime: '12:00',
  extra: {},
};

const member = (name: string, email: string, seesClosed: boolean): Member => ({ name, email, fora: ['Chefforum'], seesClosed, active: true, row: 2 });

export const anne = member('Anne Jensen', 'anne.jensen@example.org', true);
export const soeren = member('Søren Lykkegård', 'soeren.lykkegaard@example.org', true);
export const karina = member('Karina Dalsgård', 'karina.dalsgaard@example.org', false);
export const mads = member('Mads Frølund', 'mads.froelund@example.org', false);
export const members: readonly Member[] = [anne, soeren, karina, mads];

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-mail-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const isCalendar = (a: { contentType: string }): boolean => a.contentType === 'text/calendar' || a.contentType === 'application/ics';

/** Every decoded text of a message: headers, text, html, each attachment (calendar part included). */
export async function decodedTexts(raw: Buffer): Promise<{ parsed: ParsedMail; all: string }> {
  const parsed = await simpleParser(raw);
  const headers = parsed.headerLines.map((h) => h.line).join('\n');
  const parts = [
    headers,
    parsed.subject ?? '',
    parsed.text ?? '',
    typeof parsed.html === 'string' ? parsed.html : '',
    ...parsed.attachments.map((a) => a.content.toString('utf8')),
    // Calendar text unfolded (a folded line can split a word) and as node-ical reads it.
    ...parsed.attachments.filter(isCalendar).flatMap((a) => {
      const text = a.content.toString('utf8');
      return [text.replace(/\r?\n[ \t]/g, ''), JSON.stringify(ical.sync.parseICS(text))];
    }),
  ];
  return { parsed, all: parts.join('\n') };
}
