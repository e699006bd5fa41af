// What the run writes back to the workbook's script-owned cells, derived from the log: links to the
// newest documents, the last sending, and the list of problems.

import type { LogEntry, WriteBack } from '../delivery/ports.js';
import type { DocumentKind } from '../documents/edition.js';
import type { Problem, WorkbookModel } from '../model.js';
import { MeetingLog } from './log.js';

/** The Møder column that links to each document. */
const LINK_COLUMNS: readonly [DocumentKind, string][] = [
  ['dagsorden', 'Dagsorden'],
  ['referat', 'Referat'],
];

/** The columns issue 13 added: each meeting's next step, and the link to its preview ('' when none applies). */
export interface WriteBackExtra {
  readonly next?: ReadonlyMap<string, string>;
  readonly previews?: ReadonlyMap<string, string>;
}

export function writeBackFor(model: WorkbookModel, log: readonly LogEntry[], problems: readonly Problem[], extra: WriteBackExtra = {}): WriteBack {
  const meetings = new Map<string, Record<string, string>>();
  for (const m of model.meetings) {
    const rows = log.filter((e) => e.meetingId === m.id && e.status === 'udført');
    const meetingLog = new MeetingLog(rows);
    const values: Record<string, string> = {};
    for (const [document, column] of LINK_COLUMNS) {
      // NOTE: the members' edition is the complete document (the secretary is entitled to it); its
      // PDF when there is one.
      const file = meetingLog.file(document, 'medlemmer', 'pdf') ?? meetingLog.file(document, 'medlemmer', 'docx');
      if (file?.link) values[column] = file.link;
    }
    const sends = rows.filter((e) => e.action === 'send');
    const last = sends.at(-1);
    if (last) {
      const batch = sends.filter((e) => e.document === last.document && e.version === last.version);
      values['Senest udsendt'] = `${last.at.slice(0, 16).replace('T', ' ')}: ${last.document} version ${last.version} til ${batch.length} ${batch.length === 1 ? 'modtager' : 'modtagere'}`;
    }
    // Citizens' notices (issue 21), counted for the public version they announced.
    const notices = rows.filter((e) => e.action === 'abonnement');
    const lastNotice = notices.at(-1);
    if (lastNotice) {
      const n = notices.filter((e) => e.document === lastNotice.document && e.version === lastNotice.version).length;
      const told = `${n} ${n === 1 ? 'abonnent' : 'abonnenter'} fik besked om ${lastNotice.document?.toLowerCase()} version ${lastNotice.version}`;
      values['Senest udsendt'] = values['Senest udsendt'] ? `${values['Senest udsendt']}; ${told}` : `${lastNotice.at.slice(0, 16).replace('T', ' ')}: ${told}`;
    }
    // NOTE: always written, also when empty: a preview that no longer applies is unlinked.
    if (extra.previews) values['Forhåndsvisning'] = extra.previews.get(m.id) ?? '';
    const next = extra.next?.get(m.id);
    if (next !== undefined) values['Næste'] = next;
    if (Object.keys(values).length) meetings.set(m.id, values);
  }
  // A meeting whose own row has a problem is not in the model; its row still says why it waits.
  for (const [id, next] of extra.next ?? []) if (!meetings.has(id)) meetings.set(id, { Næste: next });
  return { meetings, problems: problems.map((p) => ({ tab: p.tab, cell: p.cell, message: p.message })) };
}
