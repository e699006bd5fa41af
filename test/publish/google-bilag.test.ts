// `dagsorden publish --sheet` with Drive bilag, end to end against the stand-in with the real clients:
// a Drive link and a file smart chip in Bilag become copies in the meeting's edition folders (an open
// item's in both, a closed item's only in the members'), the documents and the invitations link the
// copy of the reader's edition, the secretary's own files are only read (their sharing untouched), a
// run with nothing new costs the one Sheet read, and a changed file updates its copies in place.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPublish } from '../../src/commands/publish.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { docxWithText, pdfWithText } from '../helpers/bilag-files.js';
import { secretaryFile } from '../helpers/drive-bilag.js';
import { callsDuring, publishEnv } from '../google/helpers.js';
import { cellOf, loadXlsx, replaceContent, sentMessages, setChipRuns, sheetOf, startStandin, type DriveFile, type Standin } from '../standin/index.js';

const SHEET = 'drive-bilag-publish-01';
const ID = 'CF-2022-03-24';
const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

let standin: Standin;
let out: string;
let kort: DriveFile;
let oplaeg: DriveFile;
let hemmelig: DriveFile;
let originals: DriveFile[];
let permissionsBefore: string;
const lines: string[] = [];

async function publish(now: string, extra: NodeJS.ProcessEnv = {}): Promise<{ code: number; calls: Record<string, number>; total: number; err: string[] }> {
  const err: string[] = [];
  // NOTE: .docx documents only; the bilag need no LibreOffice here.
  const { result: code, calls, total } = await callsDuring(standin, () => runPublish({ sheet: SHEET, now, out }, { out: () => {}, err: (s) => err.push(s), env: publishEnv(standin, extra), isTTY: false }));
  return { code, calls, total, err };
}

/** The bilag copies in Drive, by edition, item, number and format. */
const copies = (): DriveFile[] => [...standin.state.drive.files.values()].filter((f) => f.appProperties.kind === 'bilag' && f.appProperties.meeting === ID);
const copyKey = (f: DriveFile): string => `${f.appProperties.edition} ${f.appProperties.item} ${f.appProperties.nr} ${f.appProperties.format}`;
const copyOf = (edition: string, item: number, nr: number, format = 'original'): DriveFile | undefined => copies().find((f) => copyKey(f) === `${edition} ${item} ${nr} ${format}`);
const folderOf = (edition: string): DriveFile =>
  [...standin.state.drive.files.values()].find((f) => f.appProperties.role === 'meeting' && f.appProperties.meeting === ID && f.appProperties.edition === edition)!;
const documentOf = (edition: string): DriveFile =>
  [...standin.state.drive.files.values()].find((f) => f.appProperties.kind === 'dagsorden' && f.appProperties.meeting === ID && f.appProperties.edition === edition && f.appProperties.format === 'docx')!;
const docxLinks = (f: DriveFile): string[] => [...new TextDecoder().decode(unzipSync(new Uint8Array(f.content))['word/_rels/document.xml.rels']!).matchAll(/Target="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

/** The messages to `who` about the meeting with the bilag (since the `from`-th message sent). */
async function mailTo(who: string, from = 0): Promise<{ text: string; raw: string }[]> {
  const sent = sentMessages(standin.state.gmail).slice(from).filter((m) => m.headers.get('to')?.includes(who));
  const parsed = await Promise.all(sent.map(async (m) => ({ text: (await simpleParser(m.raw)).text ?? '', raw: m.raw.toString('utf8') })));
  return parsed.filter((m) => m.text.includes('Bilag 1 til punkt 2'));
}

beforeAll(async () => {
  standin = await startStandin();
  out = await mkdtemp(join(tmpdir(), 'dagsorden-google-bilag-'));
  await loadXlsx(standin, BUNDLED_WORKBOOK, { id: SHEET });
  kort = secretaryFile(standin.state.drive, 'Kort_Lækrogen & Rådhus Have.pdf', PDF, await pdfWithText('KORT-LAEKROGEN'));
  oplaeg = secretaryFile(standin.state.drive, 'Oplæg til ledelsesudvikling', 'application/vnd.google-apps.document', '', {
    exports: { [DOCX]: Buffer.from(await docxWithText('OPLAEG-LEDELSESUDVIKLING')), [PDF]: Buffer.from(await pdfWithText('OPLAEG-LEDELSESUDVIKLING')) },
    modifiedTime: '2022-03-10T10:00:00.000Z',
  });
  hemmelig = secretaryFile(standin.state.drive, 'HEMMELIG-notat.pdf', PDF, await pdfWithText('HEMMELIG-INDHOLD'));
  originals = [kort, oplaeg, hemmelig];
  permissionsBefore = JSON.stringify(originals.map((f) => f.permissions));
  const punkter = sheetOf(standin, SHEET, 'Punkter');
  // Item 2 (open): a Drive link, and a Google Doc as a file smart chip alone on its line.
  const p10 = cellOf(punkter, 'P10')!;
  p10.value = `Kort over Lækrogen | https://drive.google.com/file/d/${kort.id}/view?usp=sharing\n@\nReferat fra sidst | https://example.org/referat.pdf`;
  setChipRuns(p10, [{ startIndex: String(p10.value).indexOf('@'), chip: { richLinkProperties: { uri: `https://docs.google.com/document/d/${oplaeg.id}/edit?usp=drivesdk`, mimeType: 'application/vnd.google-apps.document' } } }]);
  // Item 3 closed, with a bilag of its own.
  cellOf(punkter, 'G11')!.value = 'Ja';
  cellOf(punkter, 'P11')!.value = `HEMMELIG notat | https://drive.google.com/open?id=${hemmelig.id}`;
});

afterAll(async () => {
  console.log(['Google calls with Drive bilag (counted by the stand-in):', ...lines].join('\n  '));
  await standin.close();
});

describe('publish --sheet with Drive bilag', () => {
  it("copies each edition's bilag into its meeting folder: an open item's in both, a closed item's only in the members'", async () => {
    const r = await publish('2022-03-18T12:00');
    expect(r.err.join('\n')).not.toMatch(/Bilag/);
    expect(r.code).toBe(0);
    const keys = copies().map(copyKey).sort();
    expect(keys).toEqual(
      [
        'medlemmer 2 1 original',
        'medlemmer 2 2 original',
        'medlemmer 2 2 pdf',
        'medlemmer 3 1 original',
        'offentlig 2 1 original',
        'offentlig 2 2 original',
        'offentlig 2 2 pdf',
      ].sort(),
    );
    for (const f of copies()) expect(f.parents).toEqual([folderOf(f.appProperties.edition!).id]);
    expect(copyOf('offentlig', 2, 1)!.name).toBe('Punkt 2 - Bilag 1 - Kort_Lækrogen & Rådhus Have.pdf');
    expect(copyOf('offentlig', 2, 1)!.content).toEqual(kort.content);
    expect(copyOf('offentlig', 2, 1)!.appProperties.source).toMatch(/^[0-9a-f]{64}$/);
    expect(copyOf('offentlig', 2, 2)!.name).toBe('Punkt 2 - Bilag 2 - Oplæg til ledelsesudvikling.docx');
    expect(copyOf('offentlig', 2, 2)!.content).toEqual(oplaeg.exports![DOCX]);
    expect(copyOf('offentlig', 2, 2, 'pdf')!.content).toEqual(oplaeg.exports![PDF]);
    expect(copyOf('medlemmer', 3, 1)!.content).toEqual(hemmelig.content);
    expect(copies().some((f) => f.appProperties.edition === 'offentlig' && /HEMMELIG/.test(f.name))).toBe(false);
    lines.push(`first publication with 3 Drive bilag (7 copies): ${r.total} calls ${JSON.stringify(r.calls)}`);
  });

  it('the copies have their folder’s sharing, and the originals keep exactly theirs: nothing ever wrote to them', () => {
    expect(JSON.stringify(originals.map((f) => standin.state.drive.files.get(f.id)!.permissions))).toBe(permissionsBefore);
    for (const o of originals) {
      const touching = standin.calls.list.filter((c) => c.path.includes(o.id) || c.query.get('fileId') === o.id);
      expect(touching.every((c) => c.method === 'GET' && (c.route === 'drive.files.get' || c.route === 'drive.files.export'))).toBe(true);
    }
    expect(standin.calls.list.filter((c) => /^drive\.permissions\.(create|update|delete)$/.test(c.route) && originals.some((o) => c.path.includes(o.id)))).toEqual([]);
    // The public folder is readable by anyone with the link; the members' by the members only.
    expect(folderOf('offentlig').permissions.map((p) => p.type)).toEqual(['anyone']);
    expect(folderOf('medlemmer').permissions.every((p) => p.type === 'user')).toBe(true);
    for (const f of copies()) expect(f.permissions).toEqual([]);
  });

  it("the documents link the copy of their own edition, never the secretary's file", () => {
    const pub = docxLinks(documentOf('offentlig'));
    const members = docxLinks(documentOf('medlemmer'));
    expect(pub).toContain(`https://drive.google.com/file/d/${copyOf('offentlig', 2, 1)!.id}/view`);
    expect(pub).toContain(`https://drive.google.com/file/d/${copyOf('offentlig', 2, 2)!.id}/view`);
    expect(members).toContain(`https://drive.google.com/file/d/${copyOf('medlemmer', 2, 1)!.id}/view`);
    expect(members).toContain(`https://drive.google.com/file/d/${copyOf('medlemmer', 3, 1)!.id}/view`);
    for (const links of [pub, members]) for (const o of originals) expect(links.join('\n')).not.toContain(o.id);
    expect(pub.join('\n')).not.toContain(copyOf('medlemmer', 3, 1)!.id);
  });

  it("the invitations link the recipient's edition's copies (Karina sees the public edition, Anne the members')", async () => {
    const bo = (await mailTo('karina.dalsgaard'))[0]!;
    const anne = (await mailTo('anne.jensen'))[0]!;
    expect(bo.text).toContain(`Bilag 1 til punkt 2: Kort over Lækrogen (PDF, `);
    expect(bo.text).toContain(`https://drive.google.com/file/d/${copyOf('offentlig', 2, 1)!.id}/view`);
    expect(bo.text).toContain(`Bilag 2 til punkt 2: Oplæg til ledelsesudvikling (Word, `);
    expect(bo.text).not.toContain('HEMMELIG');
    expect(anne.text).toContain(`https://drive.google.com/file/d/${copyOf('medlemmer', 3, 1)!.id}/view`);
    for (const m of [bo, anne]) for (const o of originals) expect(m.raw).not.toContain(o.id);
  });

  it('a run with nothing to do costs the one Sheet read, bilag and all', async () => {
    const r = await publish('2022-03-18T12:05');
    expect(r.code).toBe(0);
    expect(r.calls).toEqual({ 'sheets.spreadsheets.get': 1 });
    lines.push(`no-op run with 3 Drive bilag: ${r.total} call ${JSON.stringify(r.calls)}`);
  });

  it('a changed Drive file updates its copies in place (same files, one more revision) and the amended invitation says which', async () => {
    const ids = new Map(copies().map((f) => [copyKey(f), f.id]));
    const revisions = new Map(copies().map((f) => [f.id, f.revisions.length]));
    const sentBefore = sentMessages(standin.state.gmail).length;
    replaceContent(standin.state.drive.files.get(kort.id)!, Buffer.from(await pdfWithText('KORT-NY-UDGAVE')));
    const r = await publish('2022-03-19T12:00', { DAGSORDEN_DRIVE_BILAG_MINUTES: '0' });
    expect(r.code).toBe(0);
    expect(new Map(copies().map((f) => [copyKey(f), f.id]))).toEqual(ids);
    for (const edition of ['medlemmer', 'offentlig']) {
      const copy = copyOf(edition, 2, 1)!;
      expect(copy.content).toEqual(standin.state.drive.files.get(kort.id)!.content);
      expect(copy.revisions.length).toBe(revisions.get(copy.id)! + 1);
    }
    // Unchanged sources: not written again.
    for (const f of copies().filter((c) => !(c.appProperties.item === '2' && c.appProperties.nr === '1'))) expect(f.revisions.length).toBe(revisions.get(f.id));
    const amended = await mailTo('karina.dalsgaard', sentBefore);
    expect(amended).toHaveLength(1);
    expect(amended[0]!.text).toContain('Bilag 1 til punkt 2 er ændret.');
    expect(JSON.stringify(originals.map((f) => standin.state.drive.files.get(f.id)!.permissions))).toBe(permissionsBefore);
    lines.push(`one Drive bilag changed (2 copies updated, 9 amended invitations): ${r.total} calls ${JSON.stringify(r.calls)}`);
  });

  it("an item closed after publication: its bilag's public copies are deleted, the members' kept", async () => {
    cellOf(sheetOf(standin, SHEET, 'Punkter'), 'G10')!.value = 'Ja';
    const r = await publish('2022-03-20T12:00');
    expect(r.code).toBe(0);
    expect(copies().filter((f) => f.appProperties.edition === 'offentlig')).toEqual([]);
    expect(copies().filter((f) => f.appProperties.edition === 'medlemmer').map(copyKey).sort()).toEqual(['medlemmer 2 1 original', 'medlemmer 2 2 original', 'medlemmer 2 2 pdf', 'medlemmer 3 1 original']);
  });
});
