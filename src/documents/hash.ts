// The content hash of a document: what the publish step compares to decide whether a published file
// must be updated. It covers what the document shows, never the .docx bytes (they carry timestamps).

import { createHash } from 'node:crypto';
import type { Meeting, RichText, Settings } from '../model.js';
import { editionView, isRedacted, type DocumentKind, type Edition } from './edition.js';
import { bundledTemplateSync, type Template } from './template.js';

/** NOTE: raise this when the layout code changes what a document looks like, so published files are rebuilt. */
export const LAYOUT_VERSION = 2;

const text = (r: RichText | undefined): string | null => (r ? r.source : null);

/**
 * sha256 of what the document of this kind and edition shows: the edition's view of the meeting
 * (without what is never printed, such as row numbers and the status), the organisation's name and
 * the template's fingerprint. Defaults to the package's own templates.
 */
export function contentHash(meeting: Meeting, settings: Settings, kind: DocumentKind, edition: Edition, template: Template = bundledTemplateSync()): string {
  const view = editionView(meeting, edition);
  const content = {
    layout: LAYOUT_VERSION,
    kind,
    edition,
    organisation: settings.organisation,
    template: template.fingerprint,
    meeting: { forum: view.forum, date: view.date, start: view.start, place: view.place },
    items: view.items.map((item) =>
      isRedacted(item)
        ? { number: item.number, caseNumber: item.caseNumber, closed: true }
        : {
            number: item.number,
            prefix: item.prefix,
            title: item.title,
            timeSlot: item.timeSlot?.label ?? null,
            caseNumber: item.caseNumber,
            closed: item.closed,
            recommendationFirst: item.recommendationFirst,
            occasion: text(item.occasion),
            presentation: text(item.presentation),
            supplement: text(item.supplement),
            recommender: item.recommender ?? null,
            recommendation: item.recommendation,
            history: text(item.history),
            decision: kind === 'referat' ? text(item.decision) : null,
            attachments: item.attachments.map((a) => [a.title, a.url ?? null]),
          },
    ),
  };
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}
