// Reading the bilag files after validation: each file reference (`Bilag | bilag/kort.pdf`) is read
// through the attachment source; what was read goes into the model (name, type, size, checksum, so a
// changed file is a new version), and a file that cannot be used is a problem at its Bilag cell,
// holding its meeting back like any other problem in its rows.

import { columnLetter, ITEMS_TAB } from '../../sheets-schema/schema.js';
import type { AttachmentSource } from '../documents/bilag.js';
import type { Attachment, Item, Meeting, Problem, Validated } from '../model.js';
import type { RawWorkbook } from '../workbook/raw.js';
import { locateColumns } from './headers.js';
import { sortProblems } from './validate.js';

/** What a closed item's problem shows instead of its bilag's title and path. */
const HIDDEN = '(indholdet vises ikke, fordi punktet er lukket)';

/**
 * The validated workbook with every file bilag read. Without a source (a Google Sheet, until Drive
 * files are read), a file path is a problem: there is no folder it could be relative to.
 */
export async function readAttachmentFiles(validated: Validated, raw: RawWorkbook, source: AttachmentSource | undefined): Promise<Validated> {
  const wanted: { meeting: Meeting; item: Item; index: number; attachment: Attachment }[] = [];
  for (const meeting of validated.model.meetings) {
    for (const item of meeting.items) item.attachments.forEach((attachment, index) => attachment.path !== undefined && wanted.push({ meeting, item, index, attachment }));
  }
  if (wanted.length === 0) return validated;

  const header = raw.grids.get(ITEMS_TAB.name)?.rows[0] ?? [];
  const column = locateColumns(ITEMS_TAB, header).columns.get('attachments');
  const cellOf = (item: Item): string => (column === undefined ? '' : `${columnLetter(column)}${item.row}`);
  const problems: Problem[] = [];
  const problemAt = (w: (typeof wanted)[number], reason: string): void => {
    const what = w.item.closed ? HIDDEN : `"${w.attachment.title} | ${w.attachment.path}"`;
    problems.push({ tab: ITEMS_TAB.name, cell: cellOf(w.item), message: `Bilag ${w.index + 1} ${what} ${reason}`, scope: { kind: 'meeting', meetingId: w.meeting.id } });
  };

  if (!source) {
    for (const w of wanted) problemAt(w, 'er en filsti, men regnearket er et Google Sheet. Indsæt et link til filen (https://...) i stedet.');
    return { ...validated, problems: sortProblems([...validated.problems, ...problems]) };
  }
  const inspected = await source.inspectAll(wanted.map((w) => w.attachment));
  const files = new Map<Attachment, Attachment>();
  for (const [i, w] of wanted.entries()) {
    const r = inspected[i]!;
    if ('problem' in r) problemAt(w, r.problem);
    else files.set(w.attachment, { ...w.attachment, file: r.file });
  }
  const meetings = validated.model.meetings.map((m) => ({ ...m, items: m.items.map((item) => ({ ...item, attachments: item.attachments.map((a) => files.get(a) ?? a) })) }));
  return { model: { ...validated.model, meetings }, problems: sortProblems([...validated.problems, ...problems]) };
}
