// The validated meeting model: what the documents, delivery and publishing steps work from.

import type { ITEMS_TAB, MEETINGS_TAB, MEMBERS_TAB, RowOf, SettingsOf } from '../sheets-schema/schema.js';

export type { Attachment, AttachmentFile, ClockTime, IsoDate, RichText, TimeSlot } from '../sheets-schema/schema.js';

// NOTE: a row's fields and their types are the schema's columns (sheets-schema/schema.ts, `RowOf`);
// only what is not a cell is declared here.

/** One row of Punkter, as read. */
export type ItemRow = RowOf<typeof ITEMS_TAB>;
/** One row of Møder, as read (the script's own columns are no part of it). */
export type MeetingRow = RowOf<typeof MEETINGS_TAB>;
/** One row of Medlemmer, as read. */
export type MemberRow = RowOf<typeof MEMBERS_TAB>;

export interface Item extends ItemRow {
  /** Spreadsheet row, for messages. */
  readonly row: number;
}

export interface Meeting extends MeetingRow {
  /** Items sorted by number. */
  readonly items: readonly Item[];
  readonly row: number;
}

export interface Member extends MemberRow {
  readonly row: number;
}

/** The known settings (keys, kinds and defaults declared in sheets-schema's SETTINGS), and the rest. */
export interface Settings extends SettingsOf {
  /** Keys the program does not know, kept for deployments that need more. */
  readonly extra: Readonly<Record<string, string>>;
}

/**
 * What part of the work a problem holds back. `unassigned`: an item row whose meeting cannot be told
 * (Møde-id blank, an error, or unknown); it may belong to any meeting, so no meeting may be sent
 * as if it were complete.
 */
export type ProblemScope =
  | { kind: 'meeting'; meetingId: string }
  | { kind: 'unassigned' }
  | { kind: 'members' }
  | { kind: 'settings' }
  | { kind: 'workbook' }
  /** A row of Abonnenter (Google mode) that is left out: it holds back no one else's mail. */
  | { kind: 'subscribers' };

export interface Problem {
  readonly tab: string;
  /** `F14`, or empty when the problem concerns the whole tab. */
  readonly cell: string;
  /** Danish: what is wrong and what to do. */
  readonly message: string;
  readonly scope: ProblemScope;
}

export interface WorkbookModel {
  /** Meetings whose own row is valid, sorted by date. Items with problems are left out. */
  readonly meetings: readonly Meeting[];
  readonly members: readonly Member[];
  readonly settings: Settings;
}

export interface Validated {
  readonly model: WorkbookModel;
  /** Sorted by tab and cell. */
  readonly problems: readonly Problem[];
}

/** `Punkter!F14`, or the tab alone. */
export function problemLocation(p: Pick<Problem, 'tab' | 'cell'>): string {
  return p.cell ? `${p.tab}!${p.cell}` : p.tab;
}

/** What a set of problems holds back: the one rule every step asks (planner, previews, Næste, site, render). */
export interface HeldBack {
  /** A broken tab or column: nothing is published, previewed or sent (meetings may be missing). */
  readonly everything: boolean;
  /**
   * Nothing is sent: a problem in members, settings or the workbook's structure, or an item row
   * that belongs to no known meeting (the agenda it belongs to would go out without it).
   */
  readonly sending: boolean;
  /** The public site stays as it is: the structure or a setting (every address) may be wrong. */
  readonly site: boolean;
  /** Is this meeting held back from publishing: a problem of its own, or everything? */
  meeting(meetingId: string): boolean;
}

export function heldBackBy(problems: readonly Problem[]): HeldBack {
  const own = new Set<string>();
  for (const p of problems) if (p.scope.kind === 'meeting') own.add(p.scope.meetingId);
  const everything = problems.some((p) => p.scope.kind === 'workbook');
  return {
    everything,
    sending: problems.some((p) => p.scope.kind !== 'meeting' && p.scope.kind !== 'subscribers'),
    site: problems.some((p) => p.scope.kind === 'workbook' || p.scope.kind === 'settings'),
    meeting: (meetingId) => everything || own.has(meetingId),
  };
}
