// The sign-up form on forum and case pages, with its privacy note (Danish). Part of the static site,
// so html.ts imports this file: it must not import html.ts back (no import cycle), hence its own escape.

import { relative } from '../addresses.js';
import { endpointPaths } from './links.js';
import { UNCONFIRMED_DAYS, type FollowKind } from './rules.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The privacy note, beside the form and on the manage page. */
export function privacyNote(organisation: string): string {
  return `<p class="privacy">Vi gemmer kun din e-mailadresse, hvad du følger, og hvornår du bekræftede, og bruger dem kun til at sende dig disse beskeder. Bekræfter du ikke tilmeldingen, slettes adressen efter ${UNCONFIRMED_DAYS} dage. Du kan altid afmelde dig med ét klik i hver e-mail. ${esc(organisation)} er dataansvarlig.</p>`;
}

/** The sign-up form for the page at `from`: one address, following this forum or this case. */
export function subscriptionForm(organisation: string, from: string, kind: FollowKind, target: string, level: 2 | 3): string {
  const what = kind === 'forum' ? `nye dagsordener og referater fra ${esc(target)}` : `nye dagsordener og referater med sag ${esc(target)}, i alle fora`;
  return `<form class="subscribe-form" method="post" action="${esc(relative(from, endpointPaths.signUp))}">
<h${level} id="abonnement-mail">Få besked på e-mail</h${level}>
<p>Få en e-mail, når der kommer ${what}.</p>
<input type="hidden" name="kind" value="${kind}"><input type="hidden" name="target" value="${esc(target)}">
<p><label for="abonnement-email">Din e-mailadresse</label><br><input id="abonnement-email" name="email" type="email" autocomplete="email" required maxlength="254" size="32"></p>
<p><button type="submit">Tilmeld</button></p>
${privacyNote(organisation)}
</form>`;
}

