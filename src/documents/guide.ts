// The secretary's guide as a one-page .docx (made into a PDF by LibreOffice like the agendas): the
// same sections and paragraphs as the Vejledning tab and docs/vejledning.md (sheets-schema/guide.ts),
// in the organisation's font and heading colour. Pure: returns the bytes.

import { Document, HeadingLevel, LineRuleType, Packer, Paragraph, TextRun } from 'docx';
import { guideSections } from '../../sheets-schema/guide.js';
import type { Template } from './template.js';

const TWIPS_PER_MM = 56.7;

/** Small type and tight spacing: the whole guide is meant to fit one A4 page to pin up. */
export async function buildGuideDocx(template: Template): Promise<Buffer> {
  const org = template.organisation;
  const margin = Math.round(15 * TWIPS_PER_MM);
  const children = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun('Vejledning til sekretariatet')] }),
    ...guideSections().flatMap((s) => [
      new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(s.heading)] }),
      ...s.paragraphs.map((p) => new Paragraph({ children: [new TextRun(p)] })),
    ]),
  ];
  const doc = new Document({
    title: 'Vejledning til sekretariatet',
    creator: org.organisation,
    styles: {
      default: {
        document: { run: { font: org.font, size: 20, language: { value: 'da-DK', eastAsia: 'da-DK', bidirectional: 'da-DK' } }, paragraph: { spacing: { after: 60, line: 252, lineRule: LineRuleType.AUTO } } },
        title: { run: { font: org.font, size: 28, bold: true, color: org.headingColour }, paragraph: { spacing: { after: 120 } } },
        heading1: { run: { font: org.font, size: 21, bold: true, color: org.headingColour }, paragraph: { spacing: { before: 140, after: 40 }, keepNext: true } },
      },
    },
    sections: [{ properties: { page: { margin: { top: margin, right: margin, bottom: margin, left: margin } } }, children }],
  });
  return Packer.toBuffer(doc);
}
