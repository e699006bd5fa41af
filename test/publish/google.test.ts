// `dagsorden publish --sheet` end to end against the Google stand-in, with the real client libraries:
// what a first run publishes and sends, that a no-op run costs one call, that an edit updates the same
// Drive files, and the Google calls each scenario costs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnLetter, ITEMS_TAB, MEETINGS_TAB } from '../../sheets-schema/schema.js';
import { runPublish } from '../../src/commands/publish.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { callsDuring, publishEnv } from '../google/helpers.js';
import { cellOf, loadXlsx, sentMessages, sheetOf, startStandin, valuesOf, type Standin } from '../standin/index.js';

let standin: Standin;
const SHEET = 'chefforum-sheet-0001';
const lines: string[] = [];

async function publish(now: string): Promise<{ code: number; calls: Record<string, number>; total: number }> {
  const { result: code, calls, total } = await callsDuring(standin, () => runPublish({ sheet: SHEET, now, out: '/tmp/dagsorden-google-unused' }, { out: () => {}, err: () => {}, env: publishEnv(standin), isTTY: false }));
  return { code, calls, total };
}

// Published files only: previews (kind `…-kladde`) are tested in preview-google.test.ts.
const driveFiles = () => [...standin.state.drive.files.values()].filter((f) => f.appProperties?.format && !f.appProperties.kind?.endsWith('-kladde'));

beforeAll(async () => {
  standin = await startStandin();
  await loadXlsx(standin, BUNDLED_WORKBOOK, { id: SHEET });
});

afterAll(async () => {
  console.log(['Google calls per scenario (counted by the stand-in):', ...lines].join('\n  '));
  await standin.close();
});

describe('publish --sheet against the stand-in', () => {
  it('the first run publishes each document once, sends each invitation once, and writes back', async () => {
    const r = await publish('2022-03-18T12:00');
    expect(r.code).toBe(0);
    // 3 meetings' due documents × 2 editions, .docx: CF-2021-03-04 agenda + minutes, CF-2022-03-24 agenda.
    const keys = driveFiles().map((f) => `${f.appProperties!.meeting} ${f.appProperties!.kind} ${f.appProperties!.edition} ${f.appProperties!.format}`);
    console.log(keys.sort().join('\n'));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(6);
    const sent = sentMessages(standin.state.gmail);
    expect(new Set(sent.map((m) => m.messageIdHeader)).size).toBe(sent.length);
    expect(sent).toHaveLength(18);
    // Links and status in the script's own columns of Møder.
    const moder = sheetOf(standin, SHEET, MEETINGS_TAB.name);
    const header = valuesOf(moder)[0]!.map(String);
    const row = valuesOf(moder).findIndex((r) => r[0] === 'CF-2022-03-24');
    const link = cellOf(moder, `${columnLetter(header.indexOf('Dagsorden'))}${row + 1}`)?.value;
    expect(String(link)).toMatch(/^https?:\/\//);
    lines.push(`first publication of the example (6 files, 18 e-mails, folders and sharing set up): ${r.total} calls ${JSON.stringify(r.calls)}`);
  });

  it('a run with nothing to do costs exactly one Google call', async () => {
    const r = await publish('2022-03-18T12:05');
    console.log('no-op calls', JSON.stringify(r.calls));
    expect(r.code).toBe(0);
    expect(r.total).toBe(1);
    expect(r.calls).toEqual({ 'sheets.spreadsheets.get': 1 });
    lines.push(`no-op run: ${r.total} call ${JSON.stringify(r.calls)}`);
  });

  it('changing one item’s text updates the same Drive files and sends the amended agenda', async () => {
    const ids = new Map(driveFiles().map((f) => [`${f.appProperties!.meeting} ${f.appProperties!.kind} ${f.appProperties!.edition}`, f.id]));
    const revisions = new Map(driveFiles().map((f) => [f.id, f.revisions.length]));
    const punkter = sheetOf(standin, SHEET, ITEMS_TAB.name);
    const values = valuesOf(punkter);
    const header = values[0]!.map(String);
    const row = values.findIndex((r) => r[header.indexOf('Møde-id')] === 'CF-2022-03-24' && r[header.indexOf('Nr')] === 8);
    const cell = cellOf(punkter, `${columnLetter(header.indexOf('Sagsfremstilling'))}${row + 1}`)!;
    cell.value = `${String(cell.value)}\n\nTilføjet efter udsendelsen.`;
    const sentBefore = sentMessages(standin.state.gmail).length;

    const r = await publish('2022-03-19T09:00');
    expect(r.code).toBe(0);
    const agenda = driveFiles().filter((f) => f.appProperties!.meeting === 'CF-2022-03-24');
    expect(agenda).toHaveLength(2);
    for (const f of agenda) {
      expect(f.id).toBe(ids.get(`CF-2022-03-24 dagsorden ${f.appProperties!.edition}`));
      expect(f.revisions.length).toBe(revisions.get(f.id)! + 1);
    }
    const amended = sentMessages(standin.state.gmail).slice(sentBefore);
    expect(amended).toHaveLength(9);
    expect(amended.every((m) => m.raw.toString('utf8').includes('Subject: =?UTF-8?') || m.raw.toString('utf8').includes('Ændret'))).toBe(true);
    // 2 uploads (one per edition; .docx), the minutes' 2 previews (they show the item too, and appear
    // once the agenda is out), 9 recipients × (draft + send), and the run's writes.
    expect(r.calls['drive.files.update'] ?? 0).toBe(4);
    expect(r.calls['drive.files.create'] ?? 0).toBe(0);
    expect(r.calls['gmail.users.drafts.send']).toBe(9);
    lines.push(`one meeting's agenda changed (2 files, 9 recipients): ${r.total} calls ${JSON.stringify(r.calls)}`);
  });
});
