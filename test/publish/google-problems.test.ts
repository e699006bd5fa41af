// `publish --sheet` on a sheet with problems, against the Google stand-in with the real clients: exit 1,
// Validering written, the problem notice sent once per new set of problems through the same
// intent → send → result path as every e-mail (never twice, also when the answer to the send is
// lost), and the lease released. With and without `Sekretær e-mail`.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { columnLetter, ITEMS_TAB, LOG_TAB, PROBLEMS_TAB, SETTINGS_TAB } from '../../sheets-schema/schema.js';
import { runPublish } from '../../src/commands/publish.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { publishEnv } from '../google/helpers.js';
import { cellOf, loadXlsx, sentMessages, sheetOf, startStandin, valuesOf, type Standin } from '../standin/index.js';

let standin: Standin;
const SHEET = 'chefforum-problems-0001';
const SECRETARY = 'sekretariat@example.org';

async function publish(now: string): Promise<{ code: number; err: string[] }> {
  const err: string[] = [];
  const code = await runPublish({ sheet: SHEET, now, out: '/tmp/dagsorden-google-unused' }, { out: () => {}, err: (s) => err.push(s), env: publishEnv(standin), isTTY: false }).catch((e: Error) => {
    err.push(e.message);
    return 3;
  });
  return { code, err };
}

/** Blanks one item's Sagsnr.: a problem that holds back that meeting. */
function breakAnItem(): string {
  const punkter = sheetOf(standin, SHEET, ITEMS_TAB.name);
  const values = valuesOf(punkter);
  const header = values[0]!.map(String);
  const row = values.findIndex((r) => r[header.indexOf('Møde-id')] === 'CF-2022-03-24' && r[header.indexOf('Nr')] === 2);
  const cell = `${columnLetter(header.indexOf('Sagsnr.'))}${row + 1}`;
  delete cellOf(punkter, cell)!.value;
  return `${ITEMS_TAB.name}!${cell}`;
}

function setSecretary(address: string | null): void {
  const settings = sheetOf(standin, SHEET, SETTINGS_TAB.name);
  const values = valuesOf(settings);
  const row = values.findIndex((r) => r[0] === 'Sekretær e-mail');
  if (row >= 0 && address) cellOf(settings, `B${row + 1}`)!.value = address;
  else if (row >= 0) delete cellOf(settings, `B${row + 1}`)!.value;
  else if (address) throw new Error('the example has no Sekretær e-mail row');
}

const notices = () => sentMessages(standin.state.gmail).filter((m) => m.raw.toString('utf8').includes(`To: ${SECRETARY}`));
const logRows = () => valuesOf(sheetOf(standin, SHEET, LOG_TAB.name));
const leaseOpen = () => {
  const rows = logRows();
  const h = rows[0]!.map(String);
  const leases = rows.slice(1).filter((r) => r[h.indexOf('Handling')] === 'lease');
  const released = new Set(leases.filter((r) => r[h.indexOf('Status')] !== 'påbegyndt').map((r) => r[h.indexOf('Kørsel')]));
  return leases.filter((r) => r[h.indexOf('Status')] === 'påbegyndt' && !released.has(r[h.indexOf('Kørsel')])).length;
};

beforeEach(async () => {
  standin = await startStandin();
  await loadXlsx(standin, BUNDLED_WORKBOOK, { id: SHEET });
});
afterEach(async () => {
  await standin.close();
});

describe('publish --sheet with problems in the sheet', () => {
  it('with Sekretær e-mail: exit 1, Validering written, one notice per new set of problems, the lease released', async () => {
    setSecretary(SECRETARY);
    const cell = breakAnItem();
    const first = await publish('2022-03-18T12:00');
    expect(first.err.join("\n")).not.toMatch(/Uventet fejl|svarer ikke|Fejl:/);
    expect(first.code).toBe(1);
    const validering = valuesOf(sheetOf(standin, SHEET, PROBLEMS_TAB.name)).map((r) => r.map(String).join(' | '));
    expect(validering.some((l) => l.includes(cell))).toBe(true);
    expect(notices()).toHaveLength(1);
    expect(notices()[0]!.raw.toString('utf8')).toContain('Validering');
    expect(leaseOpen()).toBe(0);

    // The same problems again: no second notice.
    expect((await publish('2022-03-18T12:10')).code).toBe(1);
    expect(notices()).toHaveLength(1);
    expect(leaseOpen()).toBe(0);
  });

  it('the answer to the notice’s send is lost: the next run finds it went and does not send it again', async () => {
    setSecretary(SECRETARY);
    breakAnItem();
    // Every draft send of this run is carried out but answered with 500 (retries then find the draft gone).
    standin.faults.push({ match: 'gmail.users.drafts.send', status: 500, after: true, times: Infinity });
    await publish('2022-03-18T12:00');
    standin.faults.length = 0;
    const after = notices().length;
    expect(after).toBeLessThanOrEqual(1);
    await publish('2022-03-18T12:30');
    await publish('2022-03-18T12:45');
    expect(notices()).toHaveLength(1);
    const ids = sentMessages(standin.state.gmail).map((m) => m.messageIdHeader);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('without Sekretær e-mail: exit 1, Validering written, no notice, the lease released', async () => {
    setSecretary(null);
    const cell = breakAnItem();
    const r = await publish('2022-03-18T12:00');
    expect(r.err.join('\n')).not.toMatch(/Uventet fejl/);
    expect(r.code).toBe(1);
    const validering = valuesOf(sheetOf(standin, SHEET, PROBLEMS_TAB.name)).map((row) => row.map(String).join(' | '));
    expect(validering.some((l) => l.includes(cell))).toBe(true);
    expect(notices()).toHaveLength(0);
    expect(leaseOpen()).toBe(0);
  });
});
