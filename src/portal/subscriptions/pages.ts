// What a citizen sees of subscriptions, in Danish: the sign-up form on forum and case pages (part of
// the static site), and the endpoint's pages (confirm, unsubscribe, manage, and every refusal, each
// saying what to do). Pure string building; every value goes through `esc`.

import { paths, relative } from '../addresses.js';
import { esc, page } from '../html.js';
import type { PortalInput } from '../input.js';
import { privacyNote } from './form.js';
import { endpointPaths } from './links.js';
import { followLabel, UNCONFIRMED_DAYS, type FollowKind, type Subscription } from './rules.js';

export interface EndpointPage {
  readonly status: number;
  readonly html: string;
  readonly headers?: Record<string, string>;
}

type Layout = Pick<PortalInput, 'organisation' | 'template' | 'siteAddress' | 'timeZone'>;

function endpointPage(layout: Layout, status: number, path: string, title: string, body: string, headers?: Record<string, string>): EndpointPage {
  const input: PortalInput = { ...layout, meetings: [] };
  const html = page(input, {
    path,
    title,
    crumbs: [
      { label: 'Forside', path: paths.home },
      { label: title, path },
    ],
    body: `<h1>${esc(title)}</h1>\n${body}`,
  });
  return { status, html, ...(headers ? { headers } : {}) };
}

const back = (path: string): string => `<p><a href="${esc(relative(path, paths.fora))}">Gå til fora og møder</a> · <a href="${esc(relative(path, paths.cases))}">Gå til sager</a></p>`;

/** A button that POSTs to an endpoint address carrying a token (GET never changes anything: mail scanners open links). */
function postButton(from: string, to: string, token: string, label: string): string {
  return `<form method="post" action="${esc(relative(from, to))}?t=${esc(encodeURIComponent(token))}"><p><button type="submit">${esc(label)}</button></p></form>`;
}

export const pages = {
  checkMail: (l: Layout, email: string, s: { kind: FollowKind; target: string }) =>
    endpointPage(
      l,
      200,
      endpointPaths.signUp,
      'Tjek din e-mail',
      `<p>Hvis ${esc(email)} ikke allerede abonnerer på ${esc(followLabel(s))}, har vi sendt en e-mail dertil med et link. Følg linket for at bekræfte; først da er du tilmeldt. Linket virker i ${UNCONFIRMED_DAYS} dage.</p>
<p>Kommer der ingen e-mail, så se i mappen med uønsket post, eller tilmeld dig igen i morgen.</p>${back(endpointPaths.signUp)}`,
    ),
  badAddress: (l: Layout) =>
    endpointPage(l, 400, endpointPaths.signUp, 'E-mailadressen er ikke gyldig', `<p>Skriv én e-mailadresse, fx navn@eksempel.dk, uden mellemrum og uden navn foran. Gå tilbage og prøv igen.</p>${back(endpointPaths.signUp)}`),
  badTarget: (l: Layout) =>
    endpointPage(l, 400, endpointPaths.signUp, 'Det kan ikke følges', `<p>Det forum eller den sag, du vil følge, findes ikke på hjemmesiden. Gå til forummets eller sagens side og tilmeld dig dér.</p>${back(endpointPaths.signUp)}`),
  tooMany: (l: Layout, retryAfterSeconds: number) =>
    endpointPage(
      l,
      429,
      endpointPaths.signUp,
      'For mange tilmeldinger',
      `<p>Der er kommet for mange tilmeldinger fra din forbindelse på kort tid. Vent en time, og prøv så igen.</p>${back(endpointPaths.signUp)}`,
      { 'retry-after': String(retryAfterSeconds) },
    ),
  busy: (l: Layout) =>
    endpointPage(l, 503, endpointPaths.signUp, 'Prøv igen senere', `<p>Tilmeldingen kunne ikke gennemføres lige nu. Prøv igen om lidt.</p>${back(endpointPaths.signUp)}`, { 'retry-after': '600' }),
  rejected: (l: Layout) =>
    endpointPage(l, 400, endpointPaths.signUp, 'E-mailen kunne ikke sendes', `<p>Mailserveren afviste adressen. Kontrollér, at den er skrevet rigtigt, og prøv igen.</p>${back(endpointPaths.signUp)}`),
  tooLarge: (l: Layout) => endpointPage(l, 413, endpointPaths.signUp, 'For meget data', `<p>Formularen sendte mere, end en tilmelding kan indeholde. Gå tilbage og prøv igen.</p>${back(endpointPaths.signUp)}`),
  wrongForm: (l: Layout) => endpointPage(l, 415, endpointPaths.signUp, 'Formularen kunne ikke læses', `<p>Brug formularen på forummets eller sagens side.</p>${back(endpointPaths.signUp)}`),
  notAllowed: (l: Layout) => endpointPage(l, 405, endpointPaths.manage, 'Det kan ikke lade sig gøre her', `<p>Brug knapperne på siden.</p>${back(endpointPaths.manage)}`, { allow: 'GET, HEAD, POST' }),
  invalidLink: (l: Layout, path: string) =>
    endpointPage(
      l,
      404,
      path,
      'Linket virker ikke',
      `<p>Linket er udløbet eller allerede brugt. En tilmelding skal bekræftes inden for ${UNCONFIRMED_DAYS} dage; tilmeld dig igen på forummets eller sagens side. Er du afmeldt, får du ikke flere e-mails.</p>${back(path)}`,
    ),
  confirmAsk: (l: Layout, s: Subscription) =>
    endpointPage(
      l,
      200,
      endpointPaths.confirm,
      'Bekræft dit abonnement',
      `<p>Bekræft, at ${esc(s.email)} skal have en e-mail, når der kommer nye dagsordener og referater om ${esc(followLabel(s))}.</p>${postButton(endpointPaths.confirm, endpointPaths.confirm, s.token, 'Bekræft abonnement')}${privacyNote(l.organisation)}`,
    ),
  confirmed: (l: Layout, s: Subscription) =>
    endpointPage(
      l,
      200,
      endpointPaths.confirm,
      'Du er tilmeldt',
      `<p>${esc(s.email)} får nu en e-mail, når der kommer nye dagsordener og referater om ${esc(followLabel(s))}. Hver e-mail har et link til at afmelde dig.</p><p><a href="${esc(relative(endpointPaths.confirm, endpointPaths.manage))}?t=${esc(encodeURIComponent(s.token))}">Se dine abonnementer</a></p>`,
    ),
  unsubscribeAsk: (l: Layout, s: Subscription) =>
    endpointPage(
      l,
      200,
      endpointPaths.unsubscribe,
      'Afmeld abonnement',
      `<p>Afmeld ${esc(s.email)} fra e-mails om ${esc(followLabel(s))}?</p>${postButton(endpointPaths.unsubscribe, endpointPaths.unsubscribe, s.token, 'Afmeld')}`,
    ),
  unsubscribed: (l: Layout, s: { email: string; kind: FollowKind; target: string } | undefined) =>
    endpointPage(
      l,
      200,
      endpointPaths.unsubscribe,
      'Du er afmeldt',
      `<p>${s ? `${esc(s.email)} får ikke flere e-mails om ${esc(followLabel(s))}, og abonnementet er slettet.` : 'Abonnementet findes ikke længere; du får ingen e-mails fra det.'}</p>${back(endpointPaths.unsubscribe)}`,
    ),
  manage: (l: Layout, email: string, all: readonly Subscription[]) =>
    endpointPage(
      l,
      200,
      endpointPaths.manage,
      'Dine abonnementer',
      `<p>Abonnementer for ${esc(email)}:</p>
${
  all.length
    ? `<ul class="subscriptions">${all
        .map(
          (s) =>
            `<li>${esc(followLabel(s).replace(/^./, (c) => c.toUpperCase()))} ${s.confirmedAt ? `(bekræftet ${esc(s.confirmedAt.slice(0, 10))})` : '(ikke bekræftet)'}<form method="post" action="${esc(relative(endpointPaths.manage, endpointPaths.unsubscribe))}?t=${esc(encodeURIComponent(s.token))}"><button type="submit">Afmeld ${esc(followLabel(s))}</button></form></li>`,
        )
        .join('')}</ul>`
    : '<p>Du har ingen abonnementer.</p>'
}
${privacyNote(l.organisation)}${back(endpointPaths.manage)}`,
    ),
};
