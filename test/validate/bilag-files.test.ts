// Reading bilag files on the embedded default: each file reference is read from the workbook's folder,
// its checksum goes into the model, and a file that cannot be used is a Danish problem at its Bilag
// cell that holds its meeting back (closed items' problems without their title or path).

import { mkdir, mkdtemp, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { localAttachmentSource } from '../../src/local/bilag-source.js';
import { heldBackBy } from '../../src/model.js';
import { findSoffice } from '../../src/documents/pdf.js';
import { readAttachmentFiles } from '../../src/validate/bilag-files.js';
import { validateWorkbook } from '../../src/validate/index.js';
import { corruptDocx, docxWithText, pdfWithPassword, pdfWithText, pptxWithText } from '../helpers/bilag-files.js';
import { baseline, rawTestWorkbook } from '../helpers/workbook.js';

let dir: string;
const soffice = findSoffice();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dagsorden-bilag-'));
  await mkdir(join(dir, 'bilag', 'mappe'), { recursive: true });
  await writeFile(join(dir, 'bilag', 'kort.pdf'), await pdfWithText('Kort over Lækrogen'));
  await writeFile(join(dir, 'bilag', 'oplæg.docx'), await docxWithText('Oplæg til ledelsesudvikling'));
  await writeFile(join(dir, 'bilag', 'roller.pptx'), pptxWithText('Digitale roller og ansvar'));
  await writeFile(join(dir, 'bilag', 'låst.pdf'), await pdfWithPassword('Fortroligt'));
  await writeFile(join(dir, 'bilag', 'i-stykker.docx'), corruptDocx());
  await writeFile(join(dir, 'bilag', 'noter.txt'), 'noter');
  await writeFile(join(dir, 'bilag', 'stor.pdf'), '');
  await truncate(join(dir, 'bilag', 'stor.pdf'), 100 * 1024 * 1024); // sparse: 100 MB without writing them
  const outside = await mkdtemp(join(tmpdir(), 'dagsorden-udenfor-'));
  await writeFile(join(outside, 'hemmelig.pdf'), await pdfWithText('uden for mappen'));
  await symlink(join(outside, 'hemmelig.pdf'), join(dir, 'bilag', 'genvej.pdf'));
}, 120_000);

async function read(bilag: string, closed = false) {
  const wb = baseline();
  wb.items[1]!.Bilag = bilag;
  if (closed) wb.items[1]!.Lukket = 'Ja';
  const raw = rawTestWorkbook(wb);
  return readAttachmentFiles(validateWorkbook(raw), raw, localAttachmentSource({ dir, ...(soffice ? { soffice } : {}) }));
}

describe('bilag files beside the workbook', () => {
  it('reads PDF, Word and PowerPoint files: name, type, size and checksum in the model', async () => {
    const { model, problems } = await read('Kort | bilag/kort.pdf\nOplæg | bilag/oplæg.docx\nRoller | bilag/roller.pptx\nReferat | https://example.org/r.pdf');
    expect(problems).toEqual([]);
    const files = model.meetings[0]!.items[1]!.attachments.map((a) => a.file);
    expect(files.map((f) => f?.name)).toEqual(['kort.pdf', 'oplæg.docx', 'roller.pptx', undefined]);
    expect(files[0]!.mediaType).toBe('application/pdf');
    expect(files[1]!.mediaType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(files[0]!.size).toBeGreaterThan(100);
  }, 120_000);

  it.each([
    ['a missing file', 'Kort | bilag/findes-ikke.pdf', 'Bilag 1 "Kort | bilag/findes-ikke.pdf" henviser til en fil, der ikke findes i mappen'],
    ['a folder', 'Mappe | bilag/mappe', 'Bilag 1 "Mappe | bilag/mappe" henviser til en mappe, ikke en fil.'],
    ['a file of 100 MB', 'Stor | bilag/stor.pdf', 'Bilag 1 "Stor | bilag/stor.pdf" er en fil på 100 MB; et bilag må højst fylde 50 MB.'],
    ['a PDF with a password', 'Låst | bilag/låst.pdf', 'Bilag 1 "Låst | bilag/låst.pdf" er en PDF-fil med adgangskode eller kryptering.'],
    ['a corrupt .docx', 'Oplæg | bilag/i-stykker.docx', 'Bilag 1 "Oplæg | bilag/i-stykker.docx" er ikke en hel Word-fil'],
    ['a text file', 'Noter | bilag/noter.txt', 'Bilag 1 "Noter | bilag/noter.txt" er ikke en fil, der kan bruges som bilag.'],
    ['a link out of the folder', 'Genvej | bilag/genvej.pdf', 'Bilag 1 "Genvej | bilag/genvej.pdf" henviser til en genvej, der peger uden for regnearkets mappe.'],
  ])('%s is a problem at the Bilag cell and holds the meeting back', async (_name, bilag, message) => {
    const { model, problems } = await read(bilag);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.tab).toBe('Punkter');
    expect(problems[0]!.cell).toBe('P3');
    expect(problems[0]!.message.startsWith(message)).toBe(true);
    expect(heldBackBy(problems).meeting(model.meetings[0]!.id)).toBe(true);
  });

  it.each([
    ['../', 'Kort | ../kort.pdf', 'Bilaget "Kort | ../kort.pdf" har en sti med .., der peger uden for regnearkets mappe.'],
    ['an absolute path', 'Kort | /etc/passwd', 'Bilaget "Kort | /etc/passwd" har en sti, der begynder med / og derfor peger uden for regnearkets mappe.'],
    ['a file: link', 'Kort | file:///etc/passwd', 'Bilaget "Kort | file:///etc/passwd" har et link, der ikke begynder med https://, http:// eller mailto:.'],
    ['a hidden file', 'Kort | bilag/.env', 'Bilaget "Kort | bilag/.env" har en sti med et tegn eller et mappenavn, der ikke kan bruges i et filnavn'],
    ['a Drive folder', 'Mappe | https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOpQ', 'Bilaget "Mappe | https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOpQ" er et link til en mappe i Google Drive, ikke til en fil.'],
    ['50 bilag on one item', Array.from({ length: 50 }, (_, i) => `Bilag ${i} | bilag/kort.pdf`).join('\n'), 'Punktet har 50 bilag; der kan højst være 20.'],
  ])('%s is refused at the cell before any file is read', async (_name, bilag, message) => {
    const { problems } = await read(bilag);
    expect(problems.map((p) => [p.cell, p.message.slice(0, message.length)])).toEqual([['P3', message]]);
  });

  it("a closed item's problem names neither the bilag's title nor its path", async () => {
    const { problems } = await read('Fyringsplan X | bilag/fyring-af-x.pdf', true);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).not.toMatch(/Fyring|fyring/);
    expect(problems[0]!.message).toContain('(indholdet vises ikke, fordi punktet er lukket)');
  });

  it('a file path in a Google Sheet is a problem (there is no folder it could be relative to)', async () => {
    const wb = baseline();
    wb.items[1]!.Bilag = 'Kort | bilag/kort.pdf';
    const raw = rawTestWorkbook(wb);
    const { problems } = await readAttachmentFiles(validateWorkbook(raw), raw, undefined);
    expect(problems.map((p) => p.message)).toEqual(['Bilag 1 "Kort | bilag/kort.pdf" er en filsti, men regnearket er et Google Sheet. Indsæt i stedet et link til filen i Google Drive, eller en fil-chip (skriv @ og vælg filen).']);
  });
});
