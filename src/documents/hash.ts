// The content hash of a document: what the publish step compares to decide whether a published file
// must be updated. It covers what the document shows, never the .docx bytes (they carry timestamps).

import { createHash } from 'node:crypto';
import type { Meeting, RichText, Settings } from '../model.js';
import { editionView, isRedacted, type DocumentKind, type Edition } from './edition.js';
import { bundledTemplateSync, type Template } from './template.js';

/** NOTE: raise this when the layout code changes what a document looks like, so published files are rebuilt. */
const LAYOUT_VERSION = 3; // 3: bilag numbered per item, files linked to their copies

const text = (r: RichText | undefined): string | null => (r ? r.source : null);

/**
 * What the files are made with, apart from their content: the layout code's version and the
 * templates. A change of it makes the files again in place, without e-mail (docs/lifecycle.md).
 */
export function renderingFingerprint(template: Pick<Template, 'fingerprint'>): string {
  return `${LAYOUT_VERSION}:${template.fingerprint}`;
}

/**
 * sha256 of what the document of this kind and edition shows: the edition's view of the meeting
 * (without what is never printed, such as row numbers and the status) and the organisation's name;
 * with `rendering`, also how it is made (layout version and templates; default the package's own).
 * The planner passes `null`: content alone decides a new version and its e-mails.
 */
export function contentHash(meeting: Meeting, settings: Settings, kind: DocumentKind, edition: Edition, rendering: Pick<Template, 'fingerprint'> | null = bundledTemplateSync()): string {
  const view = editionView(meeting, edition);
  const content = {
    kind,
    edition,
    organisation: settings.organisation,
    rendering: rendering ? renderingFingerprint(rendering) : null,
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
            // NOTE: a file's checksum only when there is a file, so agendas without files keep their hash.
            attachments: item.attachments.map((a) => (a.file ? [a.title, a.url ?? null, a.path ?? null, a.file.sha256] : a.path ? [a.title, null, a.path] : [a.title, a.url ?? null])),
          },
    ),
  };
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}
