// A real run on the embedded default with PDF, Word and PowerPoint bilag beside the workbook (made
// here with the docx library and LibreOffice): the copies per edition, the combined PDFs read back
// with an independent parser (pikepdf, poppler), the invitations, a run with nothing new, and a
// changed bilag that is a new version with its own line in the change list.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { findSoffice } from '../../src/documents/pdf.js';
import { corruptDocx, docxWithText, pdfWithText, pptxWithText } from '../helpers/bilag-files.js';
import { baseline, writeTestWorkbook } from '../helpers/workbook.js';
import { publish, type PublishRun } from '../portal/helpers.js';

const run = promisify(execFile);
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SOFFICE = findSoffice();

/** pikepdf: page count, page labels and the outline (title, depth, page) of a PDF. */
const READ_PDF = `
import json, sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
out = {"pages": len(pdf.pages), "labels": [str(pdf.pages[i].label) for i in range(len(pdf.pages))], "outline": [], "title": str(pdf.docinfo.get("/Title", ""))}
with pdf.open_outline() as outline:
    def walk(items, depth):
        for it in items:
            dest = it.destination
            page = pages.get(dest[0].objgen) if dest is not None else None
            out["outline"].append({"title": it.title, "depth": depth, "page": page})
            walk(it.children, depth + 1)
    walk(outline.root, 0)
print(json.dumps(out))
`;

async function readPdf(path: string): Promise<{ pages: number; labels: string[]; outline: { title: string; depth: number; page: number }[]; title: string; text: string }> {
  const { stdout } = await run(PYTHON, ['-c', READ_PDF, path]);
  const { stdout: text } = await run('pdftotext', ['-layout', path, '-']);
  return { ...(JSON.parse(stdout) as { pages: number; labels: string[]; outline: { title: string; depth: number; page: number }[]; title: string }), text };
}

const ID = 'CF-2022-03-24';
let dir: string;
let out: string;
let workbook: string;
let first: PublishRun;

async function mails(): Promise<Awaited<ReturnType<typeof simpleParser>>[]> {
  const box = join(out, 'outbox');
  const names = (await readdir(box)).filter((n) => n.endsWith('.eml')).sort();
  return Promise.all(names.map(async (n) => simpleParser(await readFile(join(box, n)))));
}

const env = (): NodeJS.ProcessEnv => (SOFFICE ? { DAGSORDEN_SOFFICE: SOFFICE } : {});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dagsorden-bilag-run-'));
  out = join(dir, 'ud');
  await mkdir(join(dir, 'bilag'));
  await writeFile(join(dir, 'bilag', 'kort.pdf'), await pdfWithText('KORT-LAEKROGEN', 2));
  await writeFile(join(dir, 'bilag', 'oplæg.docx'), await docxWithText('OPLAEG-LEDELSESUDVIKLING'));
  await writeFile(join(dir, 'bilag', 'roller.pptx'), pptxWithText('DIGITALE-ROLLER'));
  await writeFile(join(dir, 'bilag', 'HEMMELIG-fyring.docx'), await docxWithText('HEMMELIG-INDHOLD'));
  const wb = baseline();
  wb.items[1]!.Bilag = 'Kort over Lækrogen | bilag/kort.pdf\nOplæg | bilag/oplæg.docx\nDigitale roller | bilag/roller.pptx\nReferat fra sidst | https://example.org/referat.pdf';
  wb.items.push({ 'Møde-id': ID, Nr: 3, Titel: 'HEMMELIG personalesag', Tidsrum: '10.00-10.30', 'Sagsnr.': '00.01.00-A21-2-21', Lukket: 'Ja', Anledning: 'HEMMELIG', Bilag: 'HEMMELIG notat | bilag/HEMMELIG-fyring.docx' });
  workbook = await writeTestWorkbook(wb, dir);
  first = await publish(workbook, out, '2022-03-18T12:00', { env: env() });
}, 300_000);

describe.skipIf(!SOFFICE)('bilag on the embedded default, with LibreOffice', () => {
  it('publishes without problems', () => {
    expect(first.lines.join('\n')).not.toMatch(/problem/i);
    expect(first.code).toBe(0);
  });

  it("copies each edition's bilag: an open item's in both, a closed item's only in the members', office files with their PDF beside them", async () => {
    const open = ['Punkt 2 - Bilag 1 - kort.pdf', 'Punkt 2 - Bilag 2 - oplæg.docx', 'Punkt 2 - Bilag 2 - oplæg.docx.pdf', 'Punkt 2 - Bilag 3 - roller.pptx', 'Punkt 2 - Bilag 3 - roller.pptx.pdf'];
    expect((await readdir(join(out, ID, 'Bilag (offentlig)'))).sort()).toEqual(open.sort());
    expect((await readdir(join(out, ID, 'Bilag (medlemmer)'))).sort()).toEqual([...open, 'Punkt 3 - Bilag 1 - HEMMELIG-fyring.docx', 'Punkt 3 - Bilag 1 - HEMMELIG-fyring.docx.pdf'].sort());
    expect(await readFile(join(out, ID, 'Bilag (offentlig)', 'Punkt 2 - Bilag 1 - kort.pdf'))).toEqual(await readFile(join(dir, 'bilag', 'kort.pdf')));
    const { stdout } = await run('pdftotext', [join(out, ID, 'Bilag (offentlig)', 'Punkt 2 - Bilag 3 - roller.pptx.pdf'), '-']);
    expect(stdout).toContain('DIGITALE-ROLLER');
  });

  it('makes one combined PDF per edition: the agenda, then every bilag of that edition, with bookmarks and page labels', async () => {
    const pub = await readPdf(join(out, ID, 'Dagsorden Chefforum 2022-03-24 med bilag (offentlig).pdf'));
    expect(pub.title).toBe('Dagsorden Chefforum 2022-03-24 med bilag (offentlig)');
    expect(pub.outline.map((o) => [o.depth, o.title])).toEqual([
      [0, 'Dagsorden'],
      [0, 'Punkt 2: CF - Budgetproces 2023'],
      [1, 'Bilag 1 - Kort over Lækrogen'],
      [1, 'Bilag 2 - Oplæg'],
      [1, 'Bilag 3 - Digitale roller'],
    ]);
    const bilagStart = pub.outline[2]!.page;
    expect(pub.outline[0]!.page).toBe(0);
    expect(pub.outline[1]!.page).toBe(bilagStart);
    expect(pub.labels[0]).toBe('Dagsorden 1');
    expect(pub.labels.slice(bilagStart, bilagStart + 3)).toEqual(['Bilag 2.1 - 1', 'Bilag 2.1 - 2', 'Bilag 2.2 - 1']);
    expect(pub.outline[3]!.page).toBe(bilagStart + 2); // the map has two pages
    expect(pub.text).toContain('KORT-LAEKROGEN');
    expect(pub.text).toContain('OPLAEG-LEDELSESUDVIKLING');
    expect(pub.text).toContain('DIGITALE-ROLLER');
    expect(pub.text).not.toContain('HEMMELIG');

    const members = await readPdf(join(out, ID, 'Dagsorden Chefforum 2022-03-24 med bilag (Medlemsudgave – fortrolig).pdf'));
    expect(members.outline.map((o) => o.title)).toContain('Bilag 1 - HEMMELIG notat');
    expect(members.text).toContain('HEMMELIG-INDHOLD');
    expect(members.pages).toBeGreaterThan(pub.pages);
  });

  it("invitations list the recipient's edition's bilag and attach its combined PDF", async () => {
    const all = await mails();
    const bo = all.find((m) => m.to && JSON.stringify(m.to).includes('bo.orsted'))!;
    const anne = all.find((m) => m.to && JSON.stringify(m.to).includes('anne.jensen'))!;
    expect(bo.text).toContain('Bilag 1 til punkt 2: Kort over Lækrogen (PDF, ');
    expect(bo.text).toContain('Bilag 3 til punkt 2: Digitale roller (PowerPoint, ');
    expect(bo.text).not.toContain('HEMMELIG');
    expect(bo.attachments.map((a) => a.filename)).toContain('Dagsorden Chefforum 2022-03-24 med bilag (offentlig).pdf');
    expect(bo.attachments.map((a) => a.filename)).not.toContain('Dagsorden Chefforum 2022-03-24 med bilag (Medlemsudgave – fortrolig).pdf');
    expect(anne.text).toContain('Bilag 1 til punkt 3: HEMMELIG notat (Word, ');
    expect(anne.attachments.map((a) => a.filename)).toContain('Dagsorden Chefforum 2022-03-24 med bilag (Medlemsudgave – fortrolig).pdf');
  });

  it("the public site lists an open item's bilag with format and size, serves them, and has OParl File objects for them; nothing of the closed item's", async () => {
    const site = join(out, 'site');
    const item = join(site, 'moeder', 'cf-2022-03-24', 'punkt-2');
    expect(await readFile(join(item, 'bilag-1.pdf'))).toEqual(await readFile(join(dir, 'bilag', 'kort.pdf')));
    expect(await readFile(join(item, 'bilag-3.pptx'))).toEqual(await readFile(join(dir, 'bilag', 'roller.pptx')));
    const html = await readFile(join(item, 'index.html'), 'utf8');
    expect(html).toMatch(/<a href="bilag-1.pdf">Bilag 1 - Kort over Lækrogen \(PDF, \d+ kB\)<\/a>/);
    expect(html).toMatch(/<a href="bilag-2.docx">Bilag 2 - Oplæg \(Word, \d+ kB\)<\/a>/);
    expect(html).toContain('<a href="https://example.org/referat.pdf">Bilag 4 - Referat fra sidst</a>');
    const files = JSON.parse(await readFile(join(site, 'oparl', 'files.json'), 'utf8')) as { data: { name: string; fileName: string; mimeType: string; size: number; accessUrl: string; agendaItem?: string[] }[] };
    const kort = files.data.find((f) => f.fileName === 'kort.pdf')!;
    expect(kort).toMatchObject({ name: 'Bilag 1 - Kort over Lækrogen', mimeType: 'application/pdf', size: (await stat(join(dir, 'bilag', 'kort.pdf'))).size });
    expect(kort.accessUrl).toMatch(/moeder\/cf-2022-03-24\/punkt-2\/bilag-1\.pdf$/);
    expect(kort.agendaItem).toEqual([expect.stringMatching(/agendaitem\/cf-2022-03-24-2\.json$/)]);
    const { listFiles, readAll } = await import('../portal/helpers.js');
    expect((await listFiles(site)).filter((f) => /HEMMELIG|punkt-3\/bilag/i.test(f))).toEqual([]);
    for (const [name, texts] of await readAll(site)) for (const t of texts) if (t.includes('HEMMELIG')) throw new Error(`HEMMELIG in the site's ${name}`);
  });

  it('a run with nothing new writes no copy again; a changed bilag is a new version, updated in place, and the amended invitation says which', async () => {
    const copy = join(out, ID, 'Bilag (offentlig)', 'Punkt 2 - Bilag 1 - kort.pdf');
    const before = (await stat(copy)).mtimeMs;
    const docx = (await stat(join(out, ID, 'Bilag (offentlig)', 'Punkt 2 - Bilag 2 - oplæg.docx'))).mtimeMs;
    const again = await publish(workbook, out, '2022-03-18T13:00', { env: env() });
    expect(again.code).toBe(0);
    expect((await stat(copy)).mtimeMs).toBe(before);

    const sent = (await mails()).length;
    await writeFile(join(dir, 'bilag', 'kort.pdf'), await pdfWithText('KORT-NY-UDGAVE', 1));
    const changed = await publish(workbook, out, '2022-03-19T12:00', { env: env() });
    expect(changed.code).toBe(0);
    expect(await readFile(copy)).toEqual(await readFile(join(dir, 'bilag', 'kort.pdf')));
    expect((await stat(join(out, ID, 'Bilag (offentlig)', 'Punkt 2 - Bilag 2 - oplæg.docx'))).mtimeMs).toBe(docx);
    const amended = (await mails()).slice(0).filter((m) => m.text?.includes('Hvad er ændret'));
    expect((await mails()).length).toBeGreaterThan(sent);
    expect(amended.length).toBeGreaterThan(0);
    for (const m of amended) expect(m.text).toContain('Bilag 1 til punkt 2 er ændret.');
    const pub = await readPdf(join(out, ID, 'Dagsorden Chefforum 2022-03-24 med bilag (offentlig).pdf'));
    expect(pub.text).toContain('KORT-NY-UDGAVE');
    expect(pub.text).not.toContain('KORT-LAEKROGEN');
  }, 300_000);

  it('a corrupt Word file holds the meeting back with a problem at its cell, and nothing of the new version is published', async () => {
    await writeFile(join(dir, 'bilag', 'oplæg.docx'), corruptDocx());
    const held = await publish(workbook, out, '2022-03-20T12:00', { env: env() });
    expect(held.lines.join('\n')).toContain('Punkter!P3');
    expect(held.lines.join('\n')).toContain('er ikke en hel Word-fil');
    // the published copy is still the last good one
    expect((await readFile(join(out, ID, 'Bilag (offentlig)', 'Punkt 2 - Bilag 2 - oplæg.docx')))[0]).toBe(0x50);
    expect(await readFile(join(out, ID, 'Bilag (offentlig)', 'Punkt 2 - Bilag 2 - oplæg.docx'))).not.toEqual(Buffer.from(corruptDocx()));
  }, 300_000);
});

describe('bilag under kills (embedded default, without LibreOffice)', () => {
  /** What a run leaves that must not depend on where it was killed. */
  async function snapshot(root: string): Promise<string[]> {
    const { listFiles } = await import('../portal/helpers.js');
    // The bilag copies with their sizes, and the messages by name (their Message-IDs); the documents and
    // the status carry the run's time, so they are not compared.
    const names = (await listFiles(root)).filter((f) => f.includes('/Bilag (') || f.startsWith('outbox/'));
    return Promise.all(names.map(async (f) => (f.startsWith('outbox/') ? f : `${f} ${(await stat(join(root, f))).size}`)));
  }

  it('a run killed at any step is finished by the next: the same copies as an unbroken run, each message once', async () => {
    const { wire } = await import('../../src/commands/wiring.js');
    const { runPublish } = await import('../../src/publish/run.js');
    const { documentRenderer } = await import('../../src/documents/render.js');
    const { loadTemplate } = await import('../../src/documents/template.js');
    const { loadMailTemplate } = await import('../../src/delivery/mail/mail-template.js');
    const { createComposer } = await import('../../src/publish/composer.js');
    const { bilagPublisher } = await import('../../src/publish/bilag-step.js');
    const { DateTime } = await import('luxon');
    const base = await mkdtemp(join(tmpdir(), 'dagsorden-bilag-kill-'));
    await mkdir(join(base, 'bilag'));
    await writeFile(join(base, 'bilag', 'kort.pdf'), await pdfWithText('KORT', 2));
    await writeFile(join(base, 'bilag', 'oplæg.docx'), await docxWithText('OPLAEG'));
    await writeFile(join(base, 'bilag', 'hemmelig.pdf'), await pdfWithText('HEMMELIG'));
    const wb = baseline();
    wb.items[1]!.Bilag = 'Kort | bilag/kort.pdf\nOplæg | bilag/oplæg.docx';
    wb.items.push({ 'Møde-id': ID, Nr: 3, Titel: 'Personalesag', Tidsrum: '10.00-10.30', 'Sagsnr.': '00.01.00-A21-2-21', Lukket: 'Ja', Bilag: 'Notat | bilag/hemmelig.pdf' });
    const book = await writeTestWorkbook(wb, base);
    const template = await loadTemplate();
    const mailTemplate = await loadMailTemplate();
    const env = { DAGSORDEN_SOFFICE: '/ingen/libreoffice', DAGSORDEN_MAIL: 'outbox' };

    const runOnce = async (out: string, killAt: number | undefined, at = '2022-03-18T12:00'): Promise<boolean> => {
      const w = await wire({ workbook: book, out, sends: true }, env);
      let n = 0;
      try {
        await runPublish(
          { model: w.model, problems: w.problems, now: DateTime.fromISO(at, { zone: 'Europe/Copenhagen' }) },
          {
            documents: w.documents,
            state: w.state,
            mail: w.mail,
            renderer: documentRenderer(template, undefined),
            composer: createComposer(w.model.settings, mailTemplate),
            bilag: bilagPublisher(w.bilag!, w.bilagStore!, template),
            checkpoint: () => {
              if (killAt !== undefined && n++ === killAt) throw new Error('killed');
            },
            retryDelay: async () => {},
          },
        );
        return killAt === undefined || n <= killAt;
      } catch (e) {
        if ((e as Error).message !== 'killed') throw e;
        return false;
      }
    };

    const reference = join(base, 'reference');
    await runOnce(reference, undefined);
    const expected = await snapshot(reference);
    expect(expected.filter((f) => f.includes('Bilag (offentlig)/'))).toHaveLength(2);
    expect(expected.filter((f) => f.includes('Bilag (medlemmer)/'))).toHaveLength(3);
    let kills = 0;
    for (let k = 0; ; k++) {
      const out = join(base, `kill-${k}`);
      const finished = await runOnce(out, k);
      if (finished) break;
      kills++;
      // NOTE: the killed run's lease names this very process, so the next run comes after the lease expired.
      await runOnce(out, undefined, '2022-03-18T12:16');
      expect(await snapshot(out), `killed at step ${k}`).toEqual(expected);
    }
    expect(kills).toBeGreaterThan(3);
  }, 300_000);
});
