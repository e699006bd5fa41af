// What the public site is built from: the PUBLIC edition of each meeting (editionView 'offentlig', in
// which a closed item is only its number and case number) and, from the log, which public documents
// have actually been published and when. Pure: the runner reads the log and the files.

import type { LogEntry } from '../delivery/ports.js';
import type { DocumentFormat } from '../documents/files.js';
import { editionView, type DocumentKind, type MeetingView } from '../documents/edition.js';
import type { Template } from '../documents/template.js';
import type { Meeting, Problem, WorkbookModel } from '../model.js';
import { heldBackBy } from '../model.js';
import { portalBilagOf, type PortalBilag } from './bilag-links.js';

/** A public document as the site links to it. */
export interface PortalDocument {
  readonly kind: DocumentKind;
  readonly format: DocumentFormat;
  /** An absolute link (Drive); when absent, `bytes` are copied into the site. */
  readonly href?: string;
  readonly bytes?: Uint8Array;
}

export interface PortalMeeting {
  /** Always the public edition. */
  readonly view: MeetingView & { readonly edition: 'offentlig' };
  /** The newest public document published: the minutes supersede the agenda. None: date and place only. */
  readonly published?: DocumentKind;
  /** When the agenda (or, for `referat`, the minutes) was first published: ISO 8601. */
  readonly publishedAt?: string;
  /** When a public document of the meeting was last published. */
  readonly updatedAt?: string;
  /** Each public document kind published: first and latest upload. */
  readonly publications: readonly { readonly kind: DocumentKind; readonly first: string; readonly last: string }[];
  readonly documents: readonly PortalDocument[];
  /** The open items' bilag files (src/portal/bilag-links.ts). */
  readonly bilag?: readonly PortalBilag[];
}

export interface PortalInput {
  readonly organisation: string;
  /** Absolute, ending in `/`. */
  readonly siteAddress: string;
  readonly timeZone: string;
  /** Sorted by date, then start. */
  readonly meetings: readonly PortalMeeting[];
  /** Name, logo, colours and the fixed Danish phrases, as in the documents. */
  readonly template: Template;
  /**
   * The pages offer the e-mail sign-up form: `dagsorden serve` answers `abonnement/` (issue 21). Not on
   * a Cloud Storage bucket: `serve` answers beside a site folder, and nothing answers under a bucket's address.
   */
  readonly subscriptions?: boolean;
}

/** Without `Hjemmeside-adresse` the site is addressed as `dagsorden serve` shows it. */
export const DEFAULT_SITE_ADDRESS = 'http://localhost:8080/';

/** A public document upload as the log records it. */
export interface PublicUpload {
  readonly meetingId: string;
  readonly kind: DocumentKind;
  readonly format: DocumentFormat;
  readonly version: number;
  readonly at: string;
  readonly link: string;
}

/** The finished uploads of the public edition, from the log (whatever its document label's case). */
export function publicUploads(log: readonly LogEntry[]): PublicUpload[] {
  const out: PublicUpload[] = [];
  for (const e of log) {
    if (e.action !== 'upload' || e.status !== 'udført' || e.edition !== 'offentlig' || !e.link) continue;
    const kind = e.document?.toLowerCase();
    if (kind !== 'dagsorden' && kind !== 'referat') continue;
    if (e.format !== 'pdf' && e.format !== 'docx') continue;
    out.push({ meetingId: e.meetingId, kind, format: e.format, version: Number(e.version) || 0, at: e.at, link: e.link });
  }
  return out;
}

export interface SelectOptions {
  readonly model: WorkbookModel;
  readonly log: readonly LogEntry[];
  readonly problems: readonly Problem[];
  readonly template: Template;
}

/**
 * The meetings the site shows. A meeting held back by a problem in its rows is left out of this
 * build (its pages already published stay as they are: the runner keeps them).
 */
export function selectPortalInput({ model, log, problems, template }: SelectOptions): { input: PortalInput; heldBack: readonly Meeting[] } {
  const held = heldBackBy(problems);
  const uploads = publicUploads(log);
  const meetings: PortalMeeting[] = [];
  const heldBack: Meeting[] = [];
  for (const meeting of model.meetings) {
    if (held.meeting(meeting.id)) {
      heldBack.push(meeting);
      continue;
    }
    const view = editionView(meeting, 'offentlig') as PortalMeeting['view'];
    const mine = uploads.filter((u) => u.meetingId === meeting.id);
    const published: DocumentKind | undefined = mine.some((u) => u.kind === 'referat') ? 'referat' : mine.some((u) => u.kind === 'dagsorden') ? 'dagsorden' : undefined;
    const documents: PortalDocument[] = [];
    for (const kind of ['dagsorden', 'referat'] as const) {
      for (const format of ['pdf', 'docx'] as const) {
        const newest = mine.filter((u) => u.kind === kind && u.format === format).sort((a, b) => b.version - a.version || b.at.localeCompare(a.at))[0];
        if (newest) documents.push({ kind, format, href: newest.link });
      }
    }
    const publications = (['dagsorden', 'referat'] as const).flatMap((kind) => {
      const times = mine.filter((u) => u.kind === kind).map((u) => u.at).sort();
      return times.length ? [{ kind, first: times[0]!, last: times.at(-1)! }] : [];
    });
    const current = publications.find((p) => p.kind === published);
    meetings.push({
      view,
      ...(published && current ? { published, publishedAt: current.first, updatedAt: mine.map((u) => u.at).sort().at(-1)! } : {}),
      publications,
      documents,
      bilag: portalBilagOf(meeting, mine.find((u) => u.kind === 'dagsorden')?.link),
    });
  }
  meetings.sort((a, b) => a.view.date.localeCompare(b.view.date) || a.view.start.localeCompare(b.view.start) || a.view.id.localeCompare(b.view.id));
  return {
    input: {
      organisation: model.settings.organisation || template.organisation.organisation,
      siteAddress: model.settings.siteAddress ?? DEFAULT_SITE_ADDRESS,
      timeZone: model.settings.timeZone,
      meetings,
      template,
      subscriptions: !model.settings.siteBucket,
    },
    heldBack,
  };
}
