// Atom feeds (RFC 4287): one per forum (a new agenda or minutes) and one per case (each item of the
// case). Written by hand: the format is small, and every entry comes from the public edition only.

import { shortDate } from '../text/danish.js';
import { absolute, paths } from './addresses.js';
import { caseLabel, esc, meetingTitle, type CaseEntry } from './html.js';
import type { PortalInput, PortalMeeting } from './input.js';
import { documentNames } from '../documents/docx.js';

interface AtomEntry {
  readonly id: string;
  readonly title: string;
  readonly link: string;
  readonly updated: string;
  readonly published?: string;
  readonly summary: string;
}

/** RFC 3339 in UTC; the log's times are ISO already, the meeting date is a fallback. */
function rfc3339(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '1970-01-01T00:00:00Z' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function atom(input: PortalInput, self: string, alternate: string, title: string, entries: readonly AtomEntry[]): string {
  // NOTE: the feed's time comes from its newest entry, not from the clock, so an unchanged feed is
  // byte for byte the same and is not uploaded again.
  const updated = entries.map((e) => e.updated).sort().at(-1) ?? '1970-01-01T00:00:00Z';
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="da">
<id>${esc(absolute(input.siteAddress, self))}</id>
<title>${esc(title)}</title>
<updated>${updated}</updated>
<author><name>${esc(input.organisation)}</name></author>
<link rel="self" type="application/atom+xml" href="${esc(absolute(input.siteAddress, self))}"/>
<link rel="alternate" type="text/html" href="${esc(absolute(input.siteAddress, alternate))}"/>
${entries
  .map(
    (e) => `<entry>
<id>${esc(e.id)}</id>
<title>${esc(e.title)}</title>
<link rel="alternate" type="text/html" href="${esc(e.link)}"/>
<updated>${e.updated}</updated>
${e.published ? `<published>${e.published}</published>\n` : ''}<summary>${esc(e.summary)}</summary>
</entry>`,
  )
  .join('\n')}
</feed>
`;
}

export function forumFeed(input: PortalInput, forum: string, meetings: readonly PortalMeeting[]): string {
  const entries: AtomEntry[] = [];
  for (const m of meetings) {
    for (const p of m.publications) {
      const link = absolute(input.siteAddress, paths.meeting(m.view.id));
      const names = documentNames(m.view, p.kind, input.template);
      entries.push({
        id: `${link}#${p.kind}`,
        title: names.title,
        link,
        updated: rfc3339(p.last),
        published: rfc3339(p.first),
        summary: `${names.subject}. ${m.view.items.length} ${m.view.items.length === 1 ? 'punkt' : 'punkter'}.${m.view.status === 'Aflyst' ? ' Mødet er aflyst.' : ''}`,
      });
    }
  }
  entries.sort((a, b) => b.updated.localeCompare(a.updated) || a.id.localeCompare(b.id));
  return atom(input, paths.forumFeed(forum), paths.forum(forum), `${forum}: dagsordener og referater`, entries);
}

export function caseFeed(input: PortalInput, caseNumber: string, entries: readonly CaseEntry[]): string {
  return atom(
    input,
    paths.caseFeed(caseNumber),
    paths.case(caseNumber),
    `Sag ${caseNumber}`,
    entries.map((e) => {
      const link = absolute(input.siteAddress, paths.item(e.meeting.view.id, e.item.number));
      return {
        id: link,
        title: `${caseLabel(input, e)} (${e.meeting.view.forum} ${shortDate(e.meeting.view.date)})`,
        link,
        updated: rfc3339(e.meeting.updatedAt ?? e.meeting.view.date),
        ...(e.meeting.publishedAt ? { published: rfc3339(e.meeting.publishedAt) } : {}),
        summary: `Punkt ${e.item.number} i ${meetingTitle(input, e.meeting)}.`,
      };
    }),
  );
}
