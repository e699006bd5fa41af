// The fault suite with Drive bilag: the real clients against the stand-in, with 429, 5xx, 403 rate
// limits, timeouts and answers lost after the work was done injected into every call the bilag make
// (files.get, export, list, generateIds, uploads, deletes), and runs killed at random points, re-run
// until done. Afterwards: one copy per edition, item, bilag and format, and one combined PDF per
// edition, each with its source's current content; one e-mail per message; the secretary's files
// never written to and their sharing as it was. GOOGLE_FAULT_RUNS=100 for a longer soak.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DateTime } from 'luxon';
import { beforeAll, expect, it } from 'vitest';
import { openGoogle } from '../../src/google/client.js';
import { driveAttachmentSource } from '../../src/google/drive-attachments.js';
import { driveCopyStore } from '../../src/google/drive-copies.js';
import { DEFAULT_RETRY_POLICY } from '../../src/google/retry.js';
import { googleSheetSource } from '../../src/google/sheets-read.js';
import type { RenderedDocument, RenderRequest } from '../../src/documents/render.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { bilagPublisher } from '../../src/publish/bilag-step.js';
import { runPublish, type Renderer } from '../../src/publish/run.js';
import { readAttachmentFiles } from '../../src/validate/bilag-files.js';
import { readAndValidate } from '../../src/validate/index.js';
import { docxWithText, pdfWithText } from '../helpers/bilag-files.js';
import { countByMessageId, googleServices, killSwitch, logGaps, mailErrors, memberDocumentStore, runUntilDone, useGoogleSuite, type FaultMix } from '../helpers/fault-harness.js';
import { prng } from '../helpers/prng.js';
import { cellOf, DEFAULT_ACCOUNT, loadXlsx, replaceContent, seedFile, sentMessages, setChipRuns, sheetOf, type DriveFile } from '../standin/index.js';

const RUNS = Number(process.env.GOOGLE_FAULT_RUNS ?? 12);
const SHEET = 'bilag-fault-sheet-01';
const ID = 'CF-2022-03-24';
const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const DRIVE_WRITES = ['POST /upload/drive/v3/files', 'PATCH /upload/drive/v3/files', 'drive.files.delete'];
const MIX: FaultMix = {
  routes: [
    'POST /upload/drive/v3/files',
    'PATCH /upload/drive/v3/files',
    'drive.files.list',
    'drive.files.get',
    'drive.files.export',
    'drive.files.generateIds',
    'drive.files.delete',
    'sheets.spreadsheets.get',
    'sheets.spreadsheets.values.batchUpdate',
    'gmail.users.drafts.create',
    'gmail.users.drafts.send',
  ],
  perAttempt: 4,
  timeoutShare: 0.2,
  delayMs: 450,
  afterShare: 0.35,
  // NOTE: a 400 after the work on a Drive write ends the run right there, like a kill between two copies.
  crash: { routes: DRIVE_WRITES, share: 0.15 },
};

const suite = useGoogleSuite();
let pdfs: { kort: Uint8Array; kortNy: Uint8Array; hemmelig: Uint8Array; oplaeg: Uint8Array; docx: Uint8Array };

beforeAll(async () => {
  pdfs = { kort: await pdfWithText('KORT'), kortNy: await pdfWithText('KORT-NY'), hemmelig: await pdfWithText('HEMMELIG'), oplaeg: await pdfWithText('OPLAEG'), docx: await docxWithText('OPLAEG') };
});

/** Documents with a real PDF, so the combined PDF is made (and its upload faulted) too. */
function pdfRenderer(): Renderer {
  return {
    formats: ['docx', 'pdf'],
    async renderAll(requests: readonly RenderRequest[]): Promise<RenderedDocument[]> {
      return Promise.all(
        requests.map(async (r) => ({
          files: new Map([
            ['docx', new TextEncoder().encode(`docx ${r.meeting.id} ${r.kind} ${r.edition}`)],
            ['pdf', await pdfWithText(`${r.kind} ${r.meeting.id} ${r.edition}`)],
          ]),
          title: `${r.kind} ${r.meeting.id}`,
          fileStem: `${r.kind}-${r.meeting.id}`,
        })),
      );
    },
  };
}

interface World {
  readonly originals: DriveFile[];
  readonly kort: DriveFile;
  readonly permissions: string;
}

function setUp(): World {
  const file = (name: string, mimeType: string, content: Uint8Array | string, extra: Partial<DriveFile> = {}) =>
    seedFile(suite.standin.state.drive, {
      name,
      mimeType,
      content: Buffer.from(content),
      owner: 'sekretariat@example.org',
      appCreated: false,
      permissions: [{ kind: 'drive#permission', id: 'p-dagsorden', type: 'user', role: 'reader', emailAddress: DEFAULT_ACCOUNT }],
      ...extra,
    });
  const kort = file('kort.pdf', PDF, pdfs.kort);
  const oplaeg = file('Oplæg', 'application/vnd.google-apps.document', '', { exports: { [DOCX]: Buffer.from(pdfs.docx), [PDF]: Buffer.from(pdfs.oplaeg) }, modifiedTime: '2022-03-10T10:00:00.000Z' });
  const hemmelig = file('hemmelig.pdf', PDF, pdfs.hemmelig);
  const punkter = sheetOf(suite.standin, SHEET, 'Punkter');
  const p10 = cellOf(punkter, 'P10')!;
  p10.value = `Kort | https://drive.google.com/file/d/${kort.id}/view\nOplæg | @`;
  setChipRuns(p10, [{ startIndex: String(p10.value).lastIndexOf('@'), chip: { richLinkProperties: { uri: `https://docs.google.com/document/d/${oplaeg.id}/edit` } } }]);
  cellOf(punkter, 'G11')!.value = 'Ja';
  cellOf(punkter, 'P11')!.value = `Notat | https://drive.google.com/file/d/${hemmelig.id}/view`;
  const originals = [kort, oplaeg, hemmelig];
  return { originals, kort, permissions: JSON.stringify(originals.map((f) => f.permissions)) };
}

async function runOnce(now: DateTime, rnd: () => number, killAt: number, out: string): Promise<boolean> {
  const google = await openGoogle(suite.env(), { policy: { ...DEFAULT_RETRY_POLICY, attempts: 4, timeoutMs: 300, sleep: async () => {}, random: rnd } });
  const source = googleSheetSource(SHEET, google);
  const read = await readAndValidate(source);
  const bilag = driveAttachmentSource({ google, spreadsheetId: SHEET, cacheFile: join(out, '.drive-bilag.json'), save: true, recheckMinutes: 0 });
  const { model, problems } = await readAttachmentFiles(read, read.raw, bilag, { today: now.toISODate()! });
  if (problems.length) throw new Error(`problems: ${problems.map((p) => p.message).join('; ')}`);
  const documents = memberDocumentStore(google, model);
  const services = await googleServices(google, { model, raw: read.raw }, suite.template, {
    documents,
    renderer: pdfRenderer(),
    bilag: bilagPublisher(bilag, driveCopyStore(documents)),
    checkpoint: killSwitch(killAt).checkpoint,
  });
  const result = await runPublish({ model, problems, now }, services);
  return !result.busy;
}

const PHASES: { now: string; before?: (w: World) => void }[] = [
  { now: '2022-03-18T12:00' },
  { now: '2022-03-19T09:00', before: (w) => replaceContent(suite.standin.state.drive.files.get(w.kort.id)!, Buffer.from(pdfs.kortNy)) },
];

it(`${RUNS} runs with Google faults and kills: one copy per bilag, edition and format, updated in place; the originals untouched`, async () => {
  const totals = { runs: 0, attempts: 0, kills: 0, faults: 0, serviceFailures: 0, duplicates: 0, losses: 0, duplicateCopies: 0, missingCopies: 0, staleCopies: 0, originalWrites: 0, logGaps: 0 };
  let expected: { messages: Set<string>; copies: string[] } | undefined;
  const { standin } = suite;
  for (let seed = 0; seed <= RUNS; seed++) {
    const rnd = prng(seed * 7919 + 3);
    const faultLog: unknown[] = [];
    standin.reset();
    await loadXlsx(standin, BUNDLED_WORKBOOK, { id: SHEET });
    const world = setUp();
    const out = await mkdtemp(join(tmpdir(), 'dagsorden-bilag-faults-'));
    for (const phase of PHASES) {
      phase.before?.(world);
      await runUntilDone(standin, {
        seed,
        rnd,
        start: phase.now,
        mix: MIX,
        drawKill: () => (rnd() < 0.5 ? Math.floor(rnd() * 14) : -1),
        run: (now, killAt) => runOnce(now, rnd, killAt, out),
        tally: totals,
        faultLog,
      });
    }
    await rm(out, { recursive: true, force: true });

    // Messages: each once.
    const byId = countByMessageId(sentMessages(standin.state.gmail));
    // Copies: one per key, each with its source's current content.
    const copies = [...standin.state.drive.files.values()].filter((f) => f.appProperties.kind === 'bilag' && !f.trashed);
    const perKey = new Map<string, DriveFile[]>();
    for (const f of copies) {
      const k = `${f.appProperties.meeting} ${f.appProperties.edition} ${f.appProperties.item ?? '-'} ${f.appProperties.nr ?? '-'} ${f.appProperties.format}`;
      perKey.set(k, [...(perKey.get(k) ?? []), f]);
    }
    const keys = [...perKey.keys()].sort();
    if (seed === 0) {
      expected = { messages: new Set(byId.keys()), copies: keys };
      expect(keys).toEqual(
        [
          `${ID} medlemmer - - samlet`,
          `${ID} medlemmer 2 1 original`,
          `${ID} medlemmer 2 2 original`,
          `${ID} medlemmer 2 2 pdf`,
          `${ID} medlemmer 3 1 original`,
          `${ID} offentlig - - samlet`,
          `${ID} offentlig 2 1 original`,
          `${ID} offentlig 2 2 original`,
          `${ID} offentlig 2 2 pdf`,
        ].sort(),
      );
    }
    const { duplicates, losses } = mailErrors(byId, expected!.messages);
    totals.duplicates += duplicates;
    totals.losses += losses;
    totals.duplicateCopies += [...perKey.values()].filter((fs) => fs.length > 1).length;
    totals.missingCopies += expected!.copies.filter((k) => !perKey.has(k)).length;
    const kortNow = standin.state.drive.files.get(world.kort.id)!.content;
    for (const e of ['medlemmer', 'offentlig']) {
      const copy = perKey.get(`${ID} ${e} 2 1 original`)?.[0];
      if (!copy || !copy.content.equals(kortNow)) totals.staleCopies++;
    }
    totals.originalWrites += standin.calls.list.filter((c) => c.method !== 'GET' && world.originals.some((o) => c.path.includes(o.id))).length;
    if (JSON.stringify(world.originals.map((f) => standin.state.drive.files.get(f.id)!.permissions)) !== world.permissions) totals.originalWrites++;
    if ([...perKey.values()].some((fs) => fs.length > 1) || expected!.copies.some((k) => !perKey.has(k))) console.log('seed', seed, 'faults', JSON.stringify(faultLog));
    totals.logGaps += await logGaps(suite, SHEET, 'send', byId.keys());
    if (seed > 0) totals.runs++;
  }
  console.log(
    `Google fault suite with Drive bilag: runs ${totals.runs}, attempts ${totals.attempts}, kills ${totals.kills}, injected faults ${totals.faults}, runs ended by a service failure ${totals.serviceFailures}, ` +
      `duplicate e-mails ${totals.duplicates}, lost e-mails ${totals.losses}, duplicate copies ${totals.duplicateCopies}, missing copies ${totals.missingCopies}, stale copies ${totals.staleCopies}, writes to originals ${totals.originalWrites}, log gaps ${totals.logGaps}`,
  );
  expect(totals.runs).toBe(RUNS);
  expect(totals.kills + totals.serviceFailures).toBeGreaterThan(0);
  expect({ duplicates: totals.duplicates, losses: totals.losses, duplicateCopies: totals.duplicateCopies, missingCopies: totals.missingCopies, staleCopies: totals.staleCopies, originalWrites: totals.originalWrites, logGaps: totals.logGaps }).toEqual({
    duplicates: 0,
    losses: 0,
    duplicateCopies: 0,
    missingCopies: 0,
    staleCopies: 0,
    originalWrites: 0,
    logGaps: 0,
  });
}, 900_000);
