// OParl 1.1 (the open standard for council information systems) as static JSON files: System, Body,
// Organization per forum, Meeting, AgendaItem, File, and a Paper per case. Ids are absolute URLs under
// `Hjemmeside-adresse`, and each id is the address of the file that holds the object.

import { isRedacted } from '../documents/edition.js';
import { itemTitle } from '../documents/docx.js';
import { meetingInterval } from '../delivery/mail/invitation-ics.js';
import { absolute, paths, slug } from './addresses.js';
import { meetingTitle, type CaseEntry } from './html.js';
import type { PortalDocument, PortalInput, PortalMeeting } from './input.js';
import { bilagSitePath, type PortalBilag } from './bilag-links.js';

export const OPARL_VERSION = 'https://schema.oparl.org/1.1/';
export const oparlType = (name: string) => `${OPARL_VERSION}${name}`;

type Json = Record<string, unknown>;

const MIME = { pdf: 'application/pdf', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' } as const;

export function buildOparl(input: PortalInput, fora: readonly string[], cases: ReadonlyMap<string, readonly CaseEntry[]>): Map<string, Json> {
  const url = (p: string) => absolute(input.siteAddress, p);
  const o = (rest: string) => url(paths.oparl(rest));
  const ids = {
    system: o('system.json'),
    bodies: o('bodies.json'),
    body: o('body.json'),
    organizations: o('organizations.json'),
    persons: o('persons.json'),
    meetings: o('meetings.json'),
    papers: o('papers.json'),
    agendaItems: o('agendaitems.json'),
    files: o('files.json'),
    organization: (forum: string) => o(`organization/${slug(forum)}.json`),
    meeting: (id: string) => o(`meeting/${slug(id)}.json`),
    agendaItem: (id: string, n: number) => o(`agendaitem/${slug(id)}-${n}.json`),
    file: (id: string, kind: string, format: string) => o(`file/${slug(id)}-${kind}-${format}.json`),
    bilagFile: (id: string, item: number, number: number) => o(`file/${slug(id)}-punkt-${item}-bilag-${number}.json`),
    paper: (nr: string) => o(`paper/${slug(nr)}.json`),
    consultation: (nr: string, id: string, n: number) => `${o(`paper/${slug(nr)}.json`)}#${slug(id)}-${n}`,
  };
  const out = new Map<string, Json>();
  const put = (id: string, obj: Json) => out.set(id.slice(input.siteAddress.length), obj);
  const list = (id: string, data: Json[]): Json => ({
    data,
    pagination: { totalElements: data.length, elementsPerPage: Math.max(data.length, 1), currentPage: 1, totalPages: 1 },
    links: { first: id, last: id },
  });

  const system: Json = {
    id: ids.system,
    type: oparlType('System'),
    oparlVersion: OPARL_VERSION,
    body: ids.bodies,
    name: `${input.organisation}: dagsordener og referater`,
    website: url(paths.home),
    product: 'https://www.npmjs.com/package/dagsorden',
  };
  const body: Json = {
    id: ids.body,
    type: oparlType('Body'),
    system: ids.system,
    name: input.organisation,
    website: url(paths.home),
    organization: ids.organizations,
    person: ids.persons,
    meeting: ids.meetings,
    paper: ids.papers,
    agendaItem: ids.agendaItems,
    file: ids.files,
    legislativeTerm: [],
    web: url(paths.home),
  };
  const organizations = fora.map(
    (forum): Json => ({ id: ids.organization(forum), type: oparlType('Organization'), body: ids.body, name: forum, organizationType: 'Gremium', classification: 'Forum', web: url(paths.forum(forum)) }),
  );

  const file = (m: PortalMeeting, d: PortalDocument): Json => {
    const access = d.href && /^https?:\/\//i.test(d.href) ? d.href : url(paths.document(m.view.id, d.kind, d.format));
    return {
      id: ids.file(m.view.id, d.kind, d.format),
      type: oparlType('File'),
      name: `${input.template.phrases.kindName[d.kind]} (offentlig udgave)`,
      fileName: `${d.kind}-offentlig.${d.format}`,
      mimeType: MIME[d.format],
      accessUrl: access,
      downloadUrl: access,
      meeting: [ids.meeting(m.view.id)],
    };
  };

  /** A bilag served from the site, as an OParl File of its meeting and agenda item. */
  const bilagFile = (m: PortalMeeting, b: PortalBilag): Json => {
    const access = url(bilagSitePath(m.view.id, b));
    return {
      id: ids.bilagFile(m.view.id, b.item, b.number),
      type: oparlType('File'),
      name: `${input.template.phrases.sections.attachments} ${b.number} - ${b.title}`,
      fileName: b.fileName,
      mimeType: b.mediaType,
      size: b.size,
      accessUrl: access,
      downloadUrl: access,
      meeting: [ids.meeting(m.view.id)],
      agendaItem: [ids.agendaItem(m.view.id, b.item)],
    };
  };

  const allFiles: Json[] = [];
  const allItems: Json[] = [];
  const meetings: Json[] = [];
  for (const m of input.meetings) {
    const { start, end } = meetingInterval(m.view, input.timeZone);
    const docs = m.documents.filter((d) => d.href || d.bytes);
    const files = docs.map((d) => file(m, d));
    // NOTE: only bilag the site serves, of a meeting whose items are shown (the public edition's only).
    const bilag = m.published ? (m.bilag ?? []).filter((b) => b.bytes).map((b) => ({ b, json: bilagFile(m, b) })) : [];
    allFiles.push(...files, ...bilag.map((x) => x.json));
    const items: Json[] = m.published
      ? m.view.items.map((item): Json => ({
          id: ids.agendaItem(m.view.id, item.number),
          type: oparlType('AgendaItem'),
          meeting: ids.meeting(m.view.id),
          number: String(item.number),
          order: item.number,
          // NOTE: a closed item is its number, "Lukket" and the case (through its consultation) only.
          name: isRedacted(item) ? input.template.phrases.closed : itemTitle(item, input.template),
          public: !isRedacted(item),
          consultation: ids.consultation(item.caseNumber, m.view.id, item.number),
          web: url(paths.item(m.view.id, item.number)),
          ...(bilag.some((x) => x.b.item === item.number) ? { auxiliaryFile: bilag.filter((x) => x.b.item === item.number).map((x) => x.json) } : {}),
        }))
      : [];
    allItems.push(...items);
    const pdf = (kind: string) => files.find((f, i) => docs[i]!.kind === kind && docs[i]!.format === 'pdf') ?? files.find((_, i) => docs[i]!.kind === kind);
    const invitation = pdf('dagsorden');
    const minutes = pdf('referat');
    meetings.push({
      id: ids.meeting(m.view.id),
      type: oparlType('Meeting'),
      name: meetingTitle(input, m),
      meetingState: m.view.status === 'Aflyst' ? 'abgesagt' : m.published === 'referat' ? 'durchgeführt' : 'terminiert',
      cancelled: m.view.status === 'Aflyst',
      start: start.toISO({ suppressMilliseconds: true }),
      end: end.toISO({ suppressMilliseconds: true }),
      organization: [ids.organization(m.view.forum)],
      ...(invitation ? { invitation } : {}),
      ...(minutes ? { resultsProtocol: minutes } : {}),
      auxiliaryFile: [...files.filter((f) => f !== invitation && f !== minutes), ...bilag.map((x) => x.json)],
      agendaItem: items,
      web: url(paths.meeting(m.view.id)),
    });
  }
  const papers = [...cases].map(([nr, entries]): Json => {
    const newest = entries[0]!;
    return {
      id: ids.paper(nr),
      type: oparlType('Paper'),
      body: ids.body,
      name: isRedacted(newest.item) ? `Sag ${nr}` : itemTitle(newest.item, input.template),
      reference: nr,
      date: newest.meeting.view.date,
      consultation: entries.map(
        (e): Json => ({
          id: ids.consultation(nr, e.meeting.view.id, e.item.number),
          type: oparlType('Consultation'),
          paper: ids.paper(nr),
          agendaItem: ids.agendaItem(e.meeting.view.id, e.item.number),
          meeting: ids.meeting(e.meeting.view.id),
          organization: [ids.organization(e.meeting.view.forum)],
        }),
      ),
      web: url(paths.case(nr)),
    };
  });

  put(ids.system, system);
  put(ids.bodies, list(ids.bodies, [body]));
  put(ids.body, body);
  put(ids.organizations, list(ids.organizations, organizations));
  for (const org of organizations) put(String(org.id), org);
  put(ids.persons, list(ids.persons, []));
  put(ids.meetings, list(ids.meetings, meetings));
  for (const m of meetings) put(String(m.id), m);
  put(ids.agendaItems, list(ids.agendaItems, allItems));
  for (const i of allItems) put(String(i.id), i);
  put(ids.files, list(ids.files, allFiles));
  for (const f of allFiles) put(String(f.id), f);
  put(ids.papers, list(ids.papers, papers));
  for (const p of papers) put(String(p.id), p);
  return out;
}
