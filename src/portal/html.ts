// The public site's HTML pages: one layout, and a page per forum, meeting, item and case. Pure string
// building from the public edition; every text from the workbook goes through `esc` (plain cells) or
// the sanitising Markdown pipeline (rich-text cells).

import { itemHeading, itemTitle, documentNames } from '../documents/docx.js';
import { isRedacted, type ViewItem } from '../documents/edition.js';
import type { Item } from '../model.js';
import { meetingDateLine, shortDate } from '../text/danish.js';
import { fill } from '../documents/template.js';
import { paths, relative } from './addresses.js';
import type { PortalInput, PortalMeeting } from './input.js';
import { richTextHtml } from './markdown-html.js';
import { bilagLinkText, bilagSitePath } from './bilag-links.js';
import { subscriptionForm } from './subscriptions/form.js';

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export type OpenItem = Item & { readonly redacted: false };

export interface Crumb {
  readonly label: string;
  readonly path: string;
}

interface PageSpec {
  readonly path: string;
  readonly title: string;
  readonly crumbs: readonly Crumb[];
  readonly body: string;
  readonly feeds?: readonly { title: string; path: string }[];
  /** Only item pages are indexed for search, so a hit leads to the item itself. */
  readonly searchable?: boolean;
  readonly head?: string;
}

export function page(input: PortalInput, spec: PageSpec): string {
  const to = (target: string) => esc(relative(spec.path, target));
  const logo = input.template.logo;
  const crumbs = spec.crumbs.length
    ? `<nav class="crumbs" aria-label="Brødkrummesti"><ol>${spec.crumbs
        .map((c, i) => (i === spec.crumbs.length - 1 ? `<li><a href="${to(c.path)}" aria-current="page">${esc(c.label)}</a></li>` : `<li><a href="${to(c.path)}">${esc(c.label)}</a></li>`))
        .join('')}</ol></nav>`
    : '';
  return `<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(spec.title)} – ${esc(input.organisation)}</title>
<link rel="stylesheet" href="${to(paths.stylesheet)}">
${(spec.feeds ?? []).map((f) => `<link rel="alternate" type="application/atom+xml" title="${esc(f.title)}" href="${to(f.path)}">`).join('\n')}${spec.head ?? ''}
</head>
<body>
<a class="skip" href="#indhold">Gå til indholdet</a>
<header class="top">
<a class="brand" href="${to(paths.home)}">${logo ? `<img src="${to(paths.logo(logo.type))}" alt="${esc(logo.alt)}" height="40">` : ''}<span>${esc(input.organisation)}</span></a>
<nav aria-label="Hovedmenu"><ul>
<li><a href="${to(paths.fora)}">Fora og møder</a></li>
<li><a href="${to(paths.cases)}">Sager</a></li>
<li><a href="${to(paths.search)}">Søg</a></li>
</ul></nav>
</header>
${crumbs}
<main id="indhold"${spec.searchable ? ' data-pagefind-body' : ''}>
${spec.body}
</main>
<footer><p>${esc(input.organisation)}. Dagsordener og referater offentliggøres her, når de er udsendt. Lukkede punkter vises kun med nummer og sagsnummer.</p>
<p><a href="${to(paths.oparl('system.json'))}">Åbne data (OParl 1.1)</a></p></footer>
</body>
</html>
`;
}

/** `Dagsorden`, `Referat`, `Aflyst` or not yet published: what a citizen finds for the meeting. */
export function meetingState(m: PortalMeeting): string {
  if (m.view.status === 'Aflyst') return 'Aflyst';
  if (m.published === 'referat') return 'Referat';
  if (m.published === 'dagsorden') return 'Dagsorden';
  return 'Dagsordenen er ikke offentliggjort endnu';
}

export function meetingTitle(input: PortalInput, m: PortalMeeting): string {
  return m.published ? documentNames(m.view, m.published, input.template).title : `${m.view.forum} ${shortDate(m.view.date)}`;
}

function sectionHtml(heading: string, html: string, level: number): string {
  return html ? `<section><h${level}>${esc(heading)}</h${level}>\n${html}\n</section>` : '';
}

/** The item's sections in the papers' order (the same order as the documents). */
export function itemSections(input: PortalInput, item: OpenItem, kind: PortalMeeting['published'], level: number, m?: PortalMeeting, from?: string): string {
  const s = input.template.phrases.sections;
  const rich = (r: Item['occasion']) => (r ? richTextHtml(r.tree) : '');
  const recommendation = [
    item.recommender ? `<p>${esc(fill(input.template.phrases.recommends, { indstiller: item.recommender }))}</p>` : '',
    item.recommendation.length ? `<ol>${item.recommendation.map((r) => `<li>${esc(r)}</li>`).join('')}</ol>` : '',
  ].join('');
  // NOTE: numbered per item as the documents do; a file served from the site says its format and size.
  const attachments = item.attachments.length
    ? `<ul>${item.attachments
        .map((a, i) => {
          const file = m?.bilag?.find((b) => b.item === item.number && b.number === i + 1 && b.bytes);
          if (file && m && from !== undefined) return `<li><a href="${esc(relative(from, bilagSitePath(m.view.id, file)))}">${esc(bilagLinkText(s.attachments, file))}</a></li>`;
          const text = `${s.attachments} ${i + 1} - ${a.title}`;
          // NOTE: a Drive file read as a bilag is never linked by its own address (the secretary's file,
          // shared with nobody by dagsorden); its copy is in the public Drive folder.
          return a.url && !a.file && /^https?:\/\//i.test(a.url) ? `<li><a href="${esc(a.url)}">${esc(text)}</a></li>` : `<li>${esc(text)}</li>`;
        })
        .join('')}</ul>`
    : '';
  const parts: [string, string][] = [
    [s.occasion, rich(item.occasion)],
    ...(item.recommendationFirst ? [[s.recommendation, recommendation] as [string, string]] : []),
    [s.presentation, rich(item.presentation)],
    [s.supplement, rich(item.supplement)],
    ...(item.recommendationFirst ? [] : [[s.recommendation, recommendation] as [string, string]]),
    [s.history, rich(item.history)],
    ...(kind === 'referat' ? [[s.decision, rich(item.decision)] as [string, string]] : []),
    [s.attachments, attachments],
  ];
  return parts.map(([h, html]) => sectionHtml(h, html, level)).join('\n');
}

function caseLink(from: string, caseNumber: string): string {
  return `<p class="case">Sagsnr. <a href="${esc(relative(from, paths.case(caseNumber)))}">${esc(caseNumber)}</a></p>`;
}

function closedNote(input: PortalInput): string {
  return `<p class="closed">${esc(input.template.phrases.closed)}. Punktet behandles for lukkede døre; kun nummer og sagsnummer offentliggøres.</p>`;
}

function documentLinks(input: PortalInput, m: PortalMeeting, from: string): string {
  const docs = m.documents.filter((d) => d.href || d.bytes);
  if (!docs.length) return '';
  const label = (format: string) => (format === 'pdf' ? 'PDF' : 'Word (.docx)');
  return `<h2 id="dokumenter">Dokumenter</h2><ul class="docs">${docs
    .map((d) => {
      const href = d.href && /^https?:\/\//i.test(d.href) ? d.href : relative(from, paths.document(m.view.id, d.kind, d.format));
      return `<li><a href="${esc(href)}">${esc(input.template.phrases.kindName[d.kind])} (offentlig udgave) som ${label(d.format)}</a></li>`;
    })
    .join('')}</ul>`;
}

function meetingFacts(m: PortalMeeting): string {
  const v = m.view;
  return `<dl class="facts"><dt>Forum</dt><dd><a href="{{forum}}">${esc(v.forum)}</a></dd><dt>Tid</dt><dd>${esc(meetingDateLine(v.date, v.start))}${v.end ? `–${esc(v.end)}` : ''}</dd><dt>Sted</dt><dd>${esc(v.place)}</dd><dt>Status</dt><dd>${esc(meetingState(m))}</dd></dl>`;
}

export function meetingPage(input: PortalInput, m: PortalMeeting): string {
  const path = paths.meeting(m.view.id);
  const title = meetingTitle(input, m);
  const facts = meetingFacts(m).replace('{{forum}}', esc(relative(path, paths.forum(m.view.forum))));
  let content: string;
  if (!m.published) {
    content = `<p>${m.view.status === 'Aflyst' ? 'Mødet er aflyst.' : 'Dagsordenen offentliggøres her, når den er udsendt til medlemmerne.'}</p>`;
  } else {
    const toc = `<h2 id="punkter">Punkter</h2><ol class="toc">${m.view.items
      .map((item) => `<li value="${item.number}"><a href="#punkt-${item.number}">${esc(itemHeading(item, input.template))}</a></li>`)
      .join('')}</ol>`;
    const items = m.view.items
      .map((item) => {
        const heading = `<h2 id="punkt-${item.number}">${esc(itemHeading(item, input.template))}</h2>`;
        const own = `<p><a href="${esc(relative(path, paths.item(m.view.id, item.number)))}">Punktets egen side</a></p>`;
        if (isRedacted(item)) return `<article class="item closed-item">${heading}${caseLink(path, item.caseNumber)}${closedNote(input)}</article>`;
        return `<article class="item">${heading}${caseLink(path, item.caseNumber)}${own}\n${itemSections(input, item, m.published, 3, m, path)}</article>`;
      })
      .join('\n');
    content = `${documentLinks(input, m, path)}${toc}\n${items}`;
  }
  return page(input, {
    path,
    title,
    crumbs: [
      { label: 'Forside', path: paths.home },
      { label: m.view.forum, path: paths.forum(m.view.forum) },
      { label: shortDate(m.view.date), path },
    ],
    feeds: [{ title: `${m.view.forum}: dagsordener og referater`, path: paths.forumFeed(m.view.forum) }],
    body: `<h1>${esc(title)}</h1>\n${facts}\n${content}`,
  });
}

export function itemPage(input: PortalInput, m: PortalMeeting, item: ViewItem): string {
  const path = paths.item(m.view.id, item.number);
  const heading = itemHeading(item, input.template);
  const meetingTitleText = meetingTitle(input, m);
  const body = isRedacted(item)
    ? `<h1>${esc(heading)}</h1>${caseLink(path, item.caseNumber)}${closedNote(input)}`
    : `<h1>${esc(heading)}</h1>
<p class="meta" data-pagefind-meta="møde">${esc(meetingTitleText)} · ${esc(meetingDateLine(m.view.date, m.view.start))}</p>
${caseLink(path, item.caseNumber)}
${itemSections(input, item, m.published, 2, m, path)}
<p><a href="${esc(relative(path, paths.meeting(m.view.id)))}#punkt-${item.number}">Hele ${esc(meetingTitleText.charAt(0).toLowerCase() + meetingTitleText.slice(1))}</a></p>`;
  return page(input, {
    path,
    title: `${isRedacted(item) ? heading : itemTitle(item, input.template)} – ${meetingTitleText}`,
    crumbs: [
      { label: 'Forside', path: paths.home },
      { label: m.view.forum, path: paths.forum(m.view.forum) },
      { label: shortDate(m.view.date), path: paths.meeting(m.view.id) },
      { label: `Punkt ${item.number}`, path },
    ],
    searchable: !isRedacted(item),
    body,
  });
}

function meetingListEntry(input: PortalInput, from: string, m: PortalMeeting): string {
  return `<li><a href="${esc(relative(from, paths.meeting(m.view.id)))}">${esc(meetingDateLine(m.view.date, m.view.start))}</a> · ${esc(m.view.place)} · <span class="state">${esc(meetingState(m))}</span></li>`;
}

function subscribe(input: PortalInput, from: string, forum: string): string {
  const calendar = new URL(paths.forumCalendar(forum), input.siteAddress);
  const webcal = `webcal://${calendar.host}${calendar.pathname}`;
  return `<section class="subscribe" aria-labelledby="abonner"><h2 id="abonner">Abonnér</h2><ul>
<li><a href="${esc(relative(from, paths.forumFeed(forum)))}">Nyhedsfeed (Atom) med nye dagsordener og referater</a></li>
<li><a href="${esc(webcal)}">Møderne i din kalender (webcal)</a> eller <a href="${esc(relative(from, paths.forumCalendar(forum)))}">hent kalenderfilen (.ics)</a></li>
</ul>
${input.subscriptions ? subscriptionForm(input.organisation, from, 'forum', forum, 3) : ''}</section>`;
}

/** Still to come as of `today`: a meeting of today counts as held once its minutes are out. */
export function isUpcoming(m: PortalMeeting, today: string): boolean {
  return m.view.date > today || (m.view.date === today && m.published !== 'referat');
}

export function forumPage(input: PortalInput, forum: string, meetings: readonly PortalMeeting[], today: string): string {
  const path = paths.forum(forum);
  const upcoming = meetings.filter((m) => isUpcoming(m, today));
  const past = meetings.filter((m) => !isUpcoming(m, today)).reverse();
  const years = [...new Set(past.map((m) => m.view.date.slice(0, 4)))];
  const body = `<h1>${esc(forum)}</h1>
${subscribe(input, path, forum)}
<h2>Kommende møder</h2>
${upcoming.length ? `<ul class="meetings">${upcoming.map((m) => meetingListEntry(input, path, m)).join('')}</ul>` : '<p>Der er ingen planlagte møder.</p>'}
<h2>Tidligere møder</h2>
${
  years.length
    ? years
        .map((y) => `<h3>${y}</h3><ul class="meetings">${past.filter((m) => m.view.date.startsWith(y)).map((m) => meetingListEntry(input, path, m)).join('')}</ul>`)
        .join('\n')
    : '<p>Der er ingen tidligere møder.</p>'
}`;
  return page(input, {
    path,
    title: forum,
    crumbs: [
      { label: 'Forside', path: paths.home },
      { label: forum, path },
    ],
    feeds: [{ title: `${forum}: dagsordener og referater`, path: paths.forumFeed(forum) }],
    body,
  });
}

export function foraPage(input: PortalInput, fora: readonly string[], path: string): string {
  const body = `<h1>${path === paths.home ? `Dagsordener og referater – ${esc(input.organisation)}` : 'Fora og møder'}</h1>
<p>Her offentliggøres dagsordener og referater fra ${esc(input.organisation)}s fora. Du kan følge et forum eller en sag med et nyhedsfeed, få møderne i din kalender og søge i alle punkter.</p>
<h2>Fora</h2>
<ul class="fora">${fora.map((f) => `<li><a href="${esc(relative(path, paths.forum(f)))}">${esc(f)}</a></li>`).join('')}</ul>
<p><a href="${esc(relative(path, paths.cases))}">Alle sager</a> · <a href="${esc(relative(path, paths.search))}">Søg i dagsordener og referater</a></p>`;
  return page(input, { path, title: path === paths.home ? 'Dagsordener og referater' : 'Fora og møder', crumbs: path === paths.home ? [] : [{ label: 'Forside', path: paths.home }, { label: 'Fora og møder', path }], body });
}

export interface CaseEntry {
  readonly meeting: PortalMeeting;
  readonly item: ViewItem;
}

export function caseLabel(input: PortalInput, e: CaseEntry): string {
  return isRedacted(e.item) ? itemHeading(e.item, input.template) : itemTitle(e.item, input.template);
}

export function casePage(input: PortalInput, caseNumber: string, entries: readonly CaseEntry[]): string {
  const path = paths.case(caseNumber);
  const body = `<h1>Sag ${esc(caseNumber)}</h1>
<p>Alle punkter om sagen, nyeste først.</p>
<p><a href="${esc(relative(path, paths.caseFeed(caseNumber)))}">Følg sagen med et nyhedsfeed (Atom)</a></p>
${input.subscriptions ? subscriptionForm(input.organisation, path, 'sag', caseNumber, 2) : ''}
<ol class="case-items">${entries
    .map(
      (e) =>
        `<li><a href="${esc(relative(path, paths.item(e.meeting.view.id, e.item.number)))}">${esc(caseLabel(input, e))}</a><br><span class="meta">${esc(e.meeting.view.forum)}, ${esc(
          meetingDateLine(e.meeting.view.date, e.meeting.view.start),
        )}, punkt ${e.item.number} (${esc(meetingState(e.meeting).toLowerCase())})</span></li>`,
    )
    .join('')}</ol>`;
  return page(input, {
    path,
    title: `Sag ${caseNumber}`,
    crumbs: [
      { label: 'Forside', path: paths.home },
      { label: 'Sager', path: paths.cases },
      { label: caseNumber, path },
    ],
    feeds: [{ title: `Sag ${caseNumber}`, path: paths.caseFeed(caseNumber) }],
    body,
  });
}

export function casesPage(input: PortalInput, cases: readonly [string, readonly CaseEntry[]][]): string {
  const path = paths.cases;
  const body = `<h1>Sager</h1>
<p>Hver sag har sit sagsnummer (KLE-journalnummer). Vælg en sag for at se alle dens punkter og følge den.</p>
<ul class="cases">${cases
    .map(([nr, entries]) => `<li><a href="${esc(relative(path, paths.case(nr)))}">${esc(nr)}</a>: ${esc(caseLabel(input, entries[0]!))} (${entries.length} ${entries.length === 1 ? 'punkt' : 'punkter'})</li>`)
    .join('')}</ul>`;
  return page(input, {
    path,
    title: 'Sager',
    crumbs: [
      { label: 'Forside', path: paths.home },
      { label: 'Sager', path },
    ],
    body,
  });
}

export function searchPage(input: PortalInput): string {
  const path = paths.search;
  // NOTE: Pagefind's own UI, pointed at the site's root wherever the site is hosted (a subfolder on
  // the municipality's server included), so result links resolve from any base address.
  const head = `\n<link rel="stylesheet" href="${esc(relative(path, 'pagefind/pagefind-ui.css'))}">\n<script src="${esc(relative(path, 'pagefind/pagefind-ui.js'))}"></script>`;
  const body = `<h1>Søg i dagsordener og referater</h1>
<p>Søg i alle offentliggjorte punkter, fx efter et ord fra titlen eller sagsfremstillingen.</p>
<div id="soegning"></div>
<script>
window.addEventListener('DOMContentLoaded', function () {
  var root = new URL('../', window.location.href).pathname;
  new PagefindUI({ element: '#soegning', showImages: false, baseUrl: root, translations: { placeholder: 'Søg i punkter', zero_results: 'Ingen punkter indeholder [SEARCH_TERM]' } });
  var input = document.querySelector('#soegning input');
  if (input) input.setAttribute('aria-label', 'Søg i punkter');
});
</script>`;
  return page(input, {
    path,
    title: 'Søg',
    crumbs: [
      { label: 'Forside', path: paths.home },
      { label: 'Søg', path },
    ],
    head,
    body,
  });
}

export function stylesheet(input: PortalInput): string {
  const o = input.template.organisation;
  return `/* Generated from templates/organisation.json. */
:root { --heading: #${o.headingColour}; --accent: #${o.accentColour}; --closed: #${o.closedColour}; }
*, *::before, *::after { box-sizing: border-box; }
html { font-family: ${JSON.stringify(o.font)}, "Liberation Sans", system-ui, sans-serif; font-size: 100%; line-height: 1.5; color: #1a1a1a; background: #fff; }
body { margin: 0; overflow-wrap: anywhere; }
a { color: var(--heading); }
a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
.skip:focus { left: .5rem; z-index: 10; }
.top { background: var(--accent); color: #fff; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between; }
.top a { color: #fff; }
.brand { display: flex; align-items: center; gap: .5rem; font-weight: bold; font-size: 1.15rem; text-decoration: none; }
.brand img { background: #fff; padding: 2px; height: 40px; width: auto; }
.top ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
.crumbs ol { list-style: none; margin: 0 auto; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .25rem; max-width: 50rem; font-size: .95rem; }
.crumbs li + li::before { content: "›"; margin-right: .25rem; }
main { max-width: 50rem; margin: 0 auto; padding: 0 1rem 2rem; }
h1, h2, h3, h4 { color: var(--heading); line-height: 1.25; }
h1 { font-size: 1.6rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
.facts dt { font-weight: bold; }
.facts dd { margin: 0; }
.item { border-top: 2px solid var(--accent); margin-top: 2rem; }
.closed-item h2, .closed { color: var(--closed); }
.meta { color: #4a4a4a; font-size: .95rem; }
table { border-collapse: collapse; display: block; overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid #999; padding: .25rem .5rem; text-align: left; vertical-align: top; }
img { max-width: 100%; height: auto; }
footer { border-top: 1px solid #ccc; max-width: 50rem; margin: 2rem auto 0; padding: 1rem; font-size: .95rem; }
@media (min-width: 48rem) { h1 { font-size: 2rem; } }
`;
}
