// What an edition may show. The public edition of a closed item keeps only its number and case
// number: every later step (documents, e-mail bodies, file metadata) works from this view, so closed
// content cannot reach a public output by accident.

import type { Item, Meeting, Member } from '../model.js';

export type DocumentKind = 'dagsorden' | 'referat';
export type Edition = 'medlemmer' | 'offentlig';
export const EDITIONS: readonly Edition[] = ['medlemmer', 'offentlig'];

/** A closed item as the public sees it. */
interface RedactedItem {
  readonly number: number;
  readonly caseNumber: string;
  readonly closed: true;
  readonly redacted: true;
}

export type ViewItem = (Item & { readonly redacted: false }) | RedactedItem;

export interface MeetingView extends Omit<Meeting, 'items' | 'remark'> {
  readonly edition: Edition;
  readonly items: readonly ViewItem[];
}

export function editionView(meeting: Meeting, edition: Edition): MeetingView {
  // NOTE: Bemærkning is never published, in any edition.
  const { remark: _remark, items, ...rest } = meeting;
  return {
    ...rest,
    edition,
    items: items.map((item): ViewItem =>
      item.closed && edition === 'offentlig'
        ? { number: item.number, caseNumber: item.caseNumber, closed: true, redacted: true }
        : { ...item, redacted: false },
    ),
  };
}

/** The edition a member is entitled to. */
export function editionFor(member: Pick<Member, 'seesClosed'>): Edition {
  return member.seesClosed ? 'medlemmer' : 'offentlig';
}

export function isRedacted(item: ViewItem): item is RedactedItem {
  return item.redacted;
}
