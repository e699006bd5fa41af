// Reading the bilag files after validation: each file reference (`Bilag | bilag/kort.pdf` beside the
// workbook, or a Drive file's link or smart chip in a Google Sheet) is read through the attachment
// source; what was read goes into the model (name, type, size, checksum, so a changed file is a new
// version), and a file that cannot be used is a problem at its Bilag cell, holding its meeting back
// like any other problem in its rows.

import { columnLetter, ITEMS_TAB } from '../../sheets-schema/schema.js';
import { titleOfFile, type AttachmentSource } from './bilag-rules.js';
import type { Attachment, Item, Meeting, Problem, Validated } from '../model.js';
import type { RawWorkbook } from '../workbook/raw.js';
import { locateColumns } from './headers.js';
import { sortProblems } from './validate.js';

/** What a closed item's problem shows instead of its bilag's title and path. */
const HIDDEN = '(indholdet vises ikke, fordi punktet er lukket)';

export interface ReadAttachmentOptions {
  /**
   * Today in the workbook's time zone (`yyyy-MM-dd`): a Drive file of meetings held before it is not
   * read again once read (see AttachmentSource.inspectAll). Without it, every meeting counts as open.
   */
  readonly today?: string;
}

/**
 * The validated workbook with every file bilag read. Without a source, or with one that reads the
 * other kind, a file path is a problem (a Google Sheet has no folder it could be relative to) and a
 * Drive link stays a plain link (the embedded default cannot read Drive).
 */
export async function readAttachmentFiles(validated: Validated, raw: RawWorkbook, source: AttachmentSource | undefined, options: ReadAttachmentOptions = {}): Promise<Validated> {
  type Wanted = { meeting: Meeting; item: Item; index: number; attachment: Attachment };
  const wanted: Wanted[] = [];
  const stray: Wanted[] = [];
  for (const meeting of validated.model.meetings) {
    for (const item of meeting.items) {
      item.attachments.forEach((attachment, index) => {
        if (attachment.path !== undefined) (source?.reads === 'path' ? wanted : stray).push({ meeting, item, index, attachment });
        else if (attachment.drive !== undefined && source?.reads === 'drive') wanted.push({ meeting, item, index, attachment });
      });
    }
  }
  if (wanted.length === 0 && stray.length === 0) return validated;

  const header = raw.grids.get(ITEMS_TAB.name)?.rows[0] ?? [];
  const column = locateColumns(ITEMS_TAB, header).columns.get('attachments');
  const cellOf = (item: Item): string => (column === undefined ? '' : `${columnLetter(column)}${item.row}`);
  const problems: Problem[] = [];
  const problemAt = (w: Wanted, reason: string): void => {
    const ref = w.attachment.path ?? w.attachment.url ?? '';
    const what = w.item.closed ? HIDDEN : w.attachment.title === ref ? `"${ref}"` : `"${w.attachment.title} | ${ref}"`;
    problems.push({ tab: ITEMS_TAB.name, cell: cellOf(w.item), message: `Bilag ${w.index + 1} ${what} ${reason}`, scope: { kind: 'meeting', meetingId: w.meeting.id } });
  };

  for (const w of stray) problemAt(w, 'er en filsti, men regnearket er et Google Sheet. Indsæt i stedet et link til filen i Google Drive, eller en fil-chip (skriv @ og vælg filen).');
  const files = new Map<Attachment, Attachment>();
  if (source && wanted.length) {
    const settled = wanted.map((w) => options.today !== undefined && w.meeting.date < options.today);
    const inspected = await source.inspectAll(
      wanted.map((w) => w.attachment),
      { settled },
    );
    for (const [i, w] of wanted.entries()) {
      const r = inspected[i]!;
      if ('problem' in r) problemAt(w, r.problem);
      // NOTE: a Drive file given by its link alone (a smart chip on its own line) is titled by its name.
      else files.set(w.attachment, { ...w.attachment, ...(w.attachment.drive && w.attachment.title === w.attachment.url ? { title: titleOfFile(r.file.name) } : {}), file: r.file });
    }
  }
  const meetings = validated.model.meetings.map((m) => ({ ...m, items: m.items.map((item) => ({ ...item, attachments: item.attachments.map((a) => files.get(a) ?? a) })) }));
  return { model: { ...validated.model, meetings }, problems: sortProblems([...validated.problems, ...problems]) };
}
