// Bilag files made in the test itself (no binary files committed): a PDF with a line of text, a PDF
// with a password, a .docx via the docx library, a .pptx and an .xlsx via LibreOffice from flat
// OpenDocument, and a corrupt .docx.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PDFDocument, StandardFonts } from '@cantoo/pdf-lib';
import { Document, Packer, Paragraph } from 'docx';
import { findSoffice } from '../../src/documents/pdf.js';

/** A PDF of `pages` pages, each with `text` on it (pdftotext reads it back). */
export async function pdfWithText(text: string, pages = 1): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]).drawText(`${text} (side ${i + 1})`, { x: 50, y: 780, size: 14, font });
  return doc.save();
}

/** A PDF that opens only with a password. */
export async function pdfWithPassword(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText(text, { x: 50, y: 780, size: 14, font });
  doc.encrypt({ userPassword: 'hemmelig', ownerPassword: 'ejer' });
  return doc.save();
}

/** A Word file whose body is `text`. */
export async function docxWithText(text: string): Promise<Uint8Array> {
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph(text)] }] })));
}

/** Bytes that are named .docx but are no zip at all. */
export function corruptDocx(): Uint8Array {
  return new TextEncoder().encode('PK\u0003\u0004 dette er ikke et Word-dokument, men en halv fil');
}

const FODP = (text: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:body><office:presentation><draw:page draw:name="s1"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box><text:p>${text}</text:p></draw:text-box></draw:frame></draw:page></office:presentation></office:body></office:document>`;

/** A PowerPoint file with one slide saying `text` (LibreOffice Impress makes it). */
export function pptxWithText(text: string): Uint8Array {
  const soffice = findSoffice();
  if (!soffice) throw new Error('pptxWithText needs LibreOffice (soffice) with Impress');
  const dir = mkdtempSync(join(tmpdir(), 'dagsorden-pptx-'));
  try {
    writeFileSync(join(dir, 'slide.fodp'), FODP(text));
    execFileSync(soffice, ['--headless', '--norestore', `-env:UserInstallation=${pathToFileURL(join(dir, 'profil')).href}`, '--convert-to', 'pptx', '--outdir', dir, join(dir, 'slide.fodp')], { stdio: 'ignore' });
    return new Uint8Array(readFileSync(join(dir, 'slide.pptx')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
