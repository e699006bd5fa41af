// Figure: a meeting with 10 bilag of 5 MB each (PDF, Word and PowerPoint, each holding a 5 MB image
// of noise, which no format can compress): the first `publish` (copies, LibreOffice PDFs, combined
// PDFs, mail) and a run with nothing new, whole process, on the embedded default; then the same 10
// files as Drive links in a Google Sheet (the stand-in), with the Google calls of each run. Figures,
// not assertions.

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument } from '@cantoo/pdf-lib';
import { Document, ImageRun, Packer, Paragraph } from 'docx';
import { findSoffice } from '../src/documents/pdf.js';
import { wallClock, writeWorkbookFile } from '../src/local/xlsx-write.js';
import { PACKAGE_ROOT } from '../src/package-paths.js';

const MIME: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

const line = (what: string, value: string, goal: string): string => `${what.padEnd(62)} ${value.padStart(12)}   (goal ${goal})`;
const SIDE = 1290; // 1290² RGB pixels of noise: 5.0 MB that no format compresses

/** A PNG of random pixels (stored with the least deflate effort: noise does not shrink). */
function noisePng(): Uint8Array {
  const chunk = (type: string, data: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIDE, 0);
  ihdr.writeUInt32BE(SIDE, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: SIDE }, () => Buffer.concat([Buffer.from([0]), randomBytes(SIDE * 3)])));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 0 })), chunk('IEND', Buffer.alloc(0))]);
}

async function pdfFile(png: Uint8Array): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const image = await doc.embedPng(png);
  doc.addPage([595, 842]).drawImage(image, { x: 20, y: 200, width: 555, height: 555 });
  return doc.save();
}

async function docxFile(png: Uint8Array): Promise<Uint8Array> {
  const image = new ImageRun({ type: 'png', data: png, transformation: { width: 500, height: 500 } });
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('Bilag med et stort billede'), new Paragraph({ children: [image] })] }] })));
}

function pptxFile(png: Uint8Array, soffice: string, dir: string): Promise<Uint8Array> {
  const fodp = `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:body><office:presentation><draw:page draw:name="s1"><draw:frame svg:x="1cm" svg:y="1cm" svg:width="15cm" svg:height="15cm"><draw:image><office:binary-data>${Buffer.from(png).toString('base64')}</office:binary-data></draw:image></draw:frame></draw:page></office:presentation></office:body></office:document>`;
  return (async () => {
    await writeFile(join(dir, 'slide.fodp'), fodp);
    execFileSync(soffice, ['--headless', '--norestore', `-env:UserInstallation=${pathToFileURL(join(dir, 'profil')).href}`, '--convert-to', 'pptx', '--outdir', dir, join(dir, 'slide.fodp')], { stdio: 'ignore' });
    return new Uint8Array(await readFile(join(dir, 'slide.pptx')));
  })();
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  return total;
}

/**
 * The same meeting on Google (the local stand-in, the real clients): the 10 files in the secretary's
 * Drive, named in Bilag by their Drive links. Google calls of the first publication and of a run with
 * nothing new (goal: 1, the Sheet read), and their time (LibreOffice included in the first).
 */
async function onGoogle(workbook: string, dir: string, files: readonly string[], soffice: string): Promise<string[]> {
  const { runPublish } = await import('../src/commands/publish.js');
  const { DEFAULT_ACCOUNT, cellOf, loadXlsx, seedFile, sheetOf, startStandin } = await import('../test/standin/index.js');
  const standin = await startStandin();
  try {
    const sheet = 'bench-bilag-sheet-01';
    await loadXlsx(standin, workbook, { id: sheet });
    const links: string[] = [];
    for (const path of files) {
      const name = path.split('/').pop()!;
      const f = seedFile(standin.state.drive, {
        name,
        mimeType: MIME[name.slice(name.lastIndexOf('.') + 1)]!,
        content: await readFile(path),
        owner: 'sekretariat@example.org',
        appCreated: false,
        permissions: [{ kind: 'drive#permission', id: 'p1', type: 'user', role: 'reader', emailAddress: DEFAULT_ACCOUNT }],
      });
      links.push(`${name} | https://drive.google.com/file/d/${f.id}/view`);
    }
    const punkter = sheetOf(standin, sheet, 'Punkter');
    const header = punkter.rows[0]!.map((c) => String(c?.value ?? ''));
    const col = String.fromCharCode(65 + header.indexOf('Bilag'));
    cellOf(punkter, `${col}2`)!.value = links.slice(0, 6).join('\n');
    cellOf(punkter, `${col}3`)!.value = links.slice(6).join('\n');
    const out = join(dir, 'ud-google');
    const env = { ...process.env, DAGSORDEN_GOOGLE_ROOT_URL: standin.url, DAGSORDEN_GOOGLE_ACCESS_TOKEN: 'bench', DAGSORDEN_MAIL: 'gmail', DAGSORDEN_SOFFICE: soffice };
    const run = async (now: string): Promise<{ ms: number; calls: number; byRoute: Record<string, number> }> => {
      const before = standin.calls.byRoute();
      const total0 = standin.calls.count();
      const t0 = performance.now();
      const code = await runPublish({ sheet, now, out }, { out: () => {}, err: () => {}, env, isTTY: false });
      if (code !== 0) throw new Error(`publish --sheet exited with ${code}`);
      const byRoute: Record<string, number> = {};
      for (const [route, n] of Object.entries(standin.calls.byRoute())) if (n > (before[route] ?? 0)) byRoute[route] = n - (before[route] ?? 0);
      return { ms: performance.now() - t0, calls: standin.calls.count() - total0, byRoute };
    };
    const first = await run('2030-01-03T12:00');
    const noop = await run('2030-01-03T13:00');
    const short = (r: Record<string, number>): string => Object.entries(r).map(([k, n]) => `${k.replace(/^(sheets\.spreadsheets|drive|gmail\.users)\./, '')} ${n}`).join(', ');
    return [
      line('on Google (stand-in): the same 10 bilag as Drive links, first run', `${(first.ms / 1000).toFixed(1)} s`, '-'),
      `  ${first.calls} Google calls: ${short(first.byRoute)}`,
      line('on Google: nothing new', `${noop.calls} call`, '1'),
      `  ${short(noop.byRoute)}, ${(noop.ms / 1000).toFixed(1)} s`,
    ];
  } finally {
    await standin.close();
  }
}

export async function benchBilag(): Promise<string[]> {
  const soffice = findSoffice();
  if (!soffice) return ['(bilag: LibreOffice not installed, skipped)'];
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-bench-bilag-'));
  try {
    await mkdir(join(dir, 'bilag'));
    const kinds = ['pdf', 'docx', 'pptx'] as const;
    const lines: string[] = [];
    for (let i = 0; i < 10; i++) {
      const kind = kinds[i % 3]!;
      const png = noisePng();
      const bytes = kind === 'pdf' ? await pdfFile(png) : kind === 'docx' ? await docxFile(png) : await pptxFile(png, soffice, dir);
      await writeFile(join(dir, 'bilag', `bilag-${i + 1}.${kind}`), bytes);
      lines.push(`Bilag ${i + 1} | bilag/bilag-${i + 1}.${kind}`);
    }
    const sizes = await Promise.all(lines.map((_, i) => stat(join(dir, 'bilag', `bilag-${i + 1}.${kinds[i % 3]}`)).then((s) => s.size)));
    const workbook = join(dir, 'dagsorden.xlsx');
    await writeWorkbookFile(workbook, {
      tabs: {
        Møder: [{ 'Møde-id': 'CF-2030-01-10', Forum: 'Chefforum', Dato: wallClock('2030-01-10'), Start: wallClock('1899-12-30', '09:00'), Slut: wallClock('1899-12-30', '12:00'), Mødested: 'Mødelokale 1', Status: 'Dagsorden klar' }],
        Punkter: [
          { 'Møde-id': 'CF-2030-01-10', Nr: 1, Titel: 'Orientering', 'Sagsnr.': '00.01.00-A21-2-21', Lukket: 'Nej', Bilag: lines.slice(0, 6).join('\n') },
          { 'Møde-id': 'CF-2030-01-10', Nr: 2, Titel: 'Personalesag', 'Sagsnr.': '00.01.00-A21-3-21', Lukket: 'Ja', Bilag: lines.slice(6).join('\n') },
        ],
        Medlemmer: [
          { Navn: 'Anne Jensen', 'E-mail': 'anne@example.org', 'Ser lukkede punkter': 'Ja' },
          { Navn: 'Bo Ørsted', 'E-mail': 'bo@example.org', 'Ser lukkede punkter': 'Nej' },
        ],
        Indstillinger: [
          { Nøgle: 'Organisation', Værdi: 'Albertslund Kommune' },
          { Nøgle: 'Afsender', Værdi: 'Sekretariatet <chefforum@example.org>' },
        ],
      },
    });
    const cli = join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');
    const out = join(dir, 'ud');
    const publish = (now: string): number => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [cli, 'publish', '--workbook', workbook, '--out', out, '--now', now], { env: { ...process.env, DAGSORDEN_SOFFICE: soffice, DAGSORDEN_MAIL: 'outbox' }, stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`publish exited with ${r.status}`);
      return performance.now() - t0;
    };
    const first = publish('2030-01-03T12:00');
    const written = await folderBytes(out);
    const noop = publish('2030-01-03T13:00');
    const total = sizes.reduce((a, b) => a + b, 0);
    return [
      line(`publish, 10 bilag (${(total / 1024 / 1024).toFixed(0)} MB: 4 PDF, 3 .docx, 3 .pptx), first run`, `${(first / 1000).toFixed(1)} s`, '-'),
      line('  written to the output folder (copies, PDFs, combined, mail)', `${(written / 1024 / 1024).toFixed(0)} MB`, '-'),
      line('publish of the same, nothing new (no copy written, no LibreOffice)', `${(noop / 1000).toFixed(1)} s`, '-'),
      ...(await onGoogle(workbook, dir, lines.map((_, i) => join(dir, 'bilag', `bilag-${i + 1}.${kinds[i % 3]}`)), soffice)),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
