// Google errors translated in ONE place into a UserError('service') whose Danish sentence says what
// went wrong and what to do. Anything that is not a Google/HTTP error is passed through (a bug).

import { DailyLimitReached } from '../delivery/mail/daily-limit.js';
import { UserError } from '../errors.js';
import { googleErrorFacts, isRateLimit, RetriesExhausted, type GoogleErrorFacts } from './retry.js';

/** What the failed call was about, so the sentence can name it. */
export type GoogleTarget =
  | { readonly kind: 'spreadsheet'; readonly id: string }
  | { readonly kind: 'new-spreadsheet' }
  | { readonly kind: 'folder'; readonly id: string; readonly setting?: string }
  | { readonly kind: 'file'; readonly id: string; readonly name?: string }
  | { readonly kind: 'drive' }
  | { readonly kind: 'mailbox' };

export interface GoogleErrorContext {
  readonly target: GoogleTarget;
  /** The signed-in account, when known (see Google.account()). */
  readonly account?: string;
  /** The per-attempt timeout, for the timeout sentence. */
  readonly timeoutMs?: number;
}

const SERVICE_NAMES: Record<GoogleTarget['kind'], string> = {
  spreadsheet: 'Google Sheets',
  'new-spreadsheet': 'Google Sheets',
  folder: 'Google Drive',
  file: 'Google Drive',
  drive: 'Google Drive',
  mailbox: 'Gmail',
};

const NEXT_RUN = 'Det, der allerede er gjort, er registreret; næste kørsel fortsætter, hvor denne slap.';

function who(account: string | undefined): string {
  return account ? `Kontoen ${account}` : 'Den Google-konto, dagsorden er logget ind med,';
}

function whom(account: string | undefined): string {
  return account ?? 'den Google-konto, dagsorden er logget ind med';
}

function what(t: GoogleTarget): string {
  switch (t.kind) {
    case 'spreadsheet':
      return `regnearket ${t.id}`;
    case 'new-spreadsheet':
      return 'et nyt regneark';
    case 'folder':
      return `Drive-mappen ${t.id}`;
    case 'file':
      return `Drive-filen ${t.name ? `${t.name} (${t.id})` : t.id}`;
    case 'drive':
      return 'Google Drive';
    case 'mailbox':
      return 'postkassen';
  }
}

function permissionSentence(f: GoogleErrorFacts, ctx: GoogleErrorContext): string {
  const t = ctx.target;
  const text = `${f.reason ?? ''} ${f.apiStatus ?? ''} ${f.message ?? ''}`;
  if (/insufficient.*scope|ACCESS_TOKEN_SCOPE_INSUFFICIENT|insufficientPermissions/i.test(text)) {
    return `Google-login'et har ikke de nødvendige rettigheder (${SERVICE_NAMES[t.kind]}). Kør "dagsorden auth" igen og godkend alle de adgange, der bedes om.`;
  }
  if (/has not been used in project|is disabled|accessNotConfigured|SERVICE_DISABLED/i.test(text)) {
    return `${SERVICE_NAMES[t.kind]} API er ikke slået til i Google Cloud-projektet. Slå det til under "APIs & Services → Library" i Google Cloud Console, vent et par minutter, og kør igen.`;
  }
  if (/storageQuotaExceeded|do not have storage quota/i.test(text)) {
    return `${who(ctx.account)} har ingen lagerplads i Google Drive (tjenestekonti har ingen). Lad tjenestekontoen handle på vegne af en bruger med DAGSORDEN_GOOGLE_SUBJECT (domæneomfattende delegering), eller log ind med "dagsorden auth".`;
  }
  if (/domain.?wide|delegation|unauthorized_client/i.test(text)) {
    return `Tjenestekontoen må ikke handle på vegne af ${whom(ctx.account)}. Giv den domæneomfattende delegering (domain-wide delegation) med de nødvendige scopes i Google Workspace Admin, eller fjern DAGSORDEN_GOOGLE_SUBJECT.`;
  }
  switch (t.kind) {
    case 'spreadsheet':
      return `${who(ctx.account)} har ikke adgang til regnearket ${t.id}. Del regnearket med ${whom(ctx.account)} som redaktør (Del → Redaktør), og kør igen.`;
    case 'folder':
      return `${who(ctx.account)} har ikke adgang til Drive-mappen ${t.id}${t.setting ? ` (Indstillinger: ${t.setting})` : ''}. Del mappen med ${whom(ctx.account)} som redaktør, eller lad feltet stå tomt, så opretter dagsorden selv en mappe.`;
    case 'mailbox':
      return `${who(ctx.account)} må ikke sende e-mail via Gmail. Tjek at kontoen har Gmail, og at afsenderen i Indstillinger (Afsender) er kontoens egen adresse eller et godkendt alias.`;
    default:
      return `${who(ctx.account)} har ikke adgang til ${what(t)}. Giv kontoen adgang som redaktør, og kør igen.`;
  }
}

function notFoundSentence(ctx: GoogleErrorContext): string {
  const t = ctx.target;
  switch (t.kind) {
    case 'spreadsheet':
      return `Regnearket ${t.id} findes ikke, eller ${whom(ctx.account)} kan ikke se det. Tjek id'et i --sheet eller DAGSORDEN_SHEET (den lange kode mellem /d/ og /edit i regnearkets adresse), og at regnearket er delt med ${whom(ctx.account)}.`;
    case 'folder':
      return `Drive-mappen ${t.id}${t.setting ? ` (Indstillinger: ${t.setting})` : ''} blev ikke fundet. Tjek id'et (koden efter /folders/ i mappens adresse). NB: dagsorden har kun adgang til mapper, den selv har oprettet (adgangen drive.file): lad feltet stå tomt, så opretter dagsorden mappen, og flyt den bagefter, hvorhen du vil.`;
    case 'file':
      return `${what(t)} blev ikke fundet; den kan være slettet. Næste kørsel lægger dokumentet op igen.`;
    default:
      return `${what(t)} blev ikke fundet (${SERVICE_NAMES[t.kind]} svarede 404).`;
  }
}

/** Gmail's answer when the account's daily sending limit is reached (see dailySendingLimit). */
export function isDailySendingLimit(f: GoogleErrorFacts): boolean {
  return (f.status === 429 || f.status === 403) && /\(Mail sending\)|dailyLimitExceeded|sending limit/i.test(`${f.reason ?? ''} ${f.message ?? ''}`);
}

/**
 * Gmail's daily sending limit: 429 "User-rate limit exceeded. Retry after <time> (Mail sending)"
 * (Gmail API, "Resolve errors": mail sending limits). A DailyLimitReached, or undefined for any
 * other error. Retrying within the run is pointless: the limit holds for hours.
 */
export function dailySendingLimit(e: unknown): DailyLimitReached | undefined {
  const f = e instanceof RetriesExhausted ? e.facts : googleErrorFacts(e);
  if (!f || !isDailySendingLimit(f)) return undefined;
  const at = /Retry after (\S+)/i.exec(f.message ?? '')?.[1];
  const retryAt = at && Number.isFinite(Date.parse(at)) ? new Date(at) : undefined;
  return new DailyLimitReached(retryAt, f.message ?? '');
}

/**
 * The UserError for a failed Google call, or the error itself when it is not a Google error. Takes
 * the RetriesExhausted from withRetry as well as a plain client error.
 */
export function translateGoogleError(e: unknown, ctx: GoogleErrorContext): unknown {
  if (e instanceof UserError) return e;
  const exhausted = e instanceof RetriesExhausted ? e : undefined;
  const f = exhausted?.facts ?? googleErrorFacts(e);
  if (!f) return e;
  const service = SERVICE_NAMES[ctx.target.kind];
  const tries = exhausted ? `, ${exhausted.attempts} forsøg` : '';
  let sentence: string;
  if (isRateLimit(f)) {
    sentence = `Kvoten hos ${service} er brugt op lige nu (HTTP ${f.status}${tries}). Prøv igen om lidt. ${NEXT_RUN}`;
  } else if (f.status === 401) {
    sentence = `Google afviste login'et (401). Kør "dagsorden auth" igen for at logge ind på ny (eller tjek GOOGLE_APPLICATION_CREDENTIALS / DAGSORDEN_GOOGLE_ACCESS_TOKEN).`;
  } else if (f.status === 403) {
    sentence = permissionSentence(f, ctx);
  } else if (f.status === 404) {
    sentence = notFoundSentence(ctx);
  } else if (f.status !== undefined && f.status >= 500) {
    sentence = `${service} svarer ikke lige nu (HTTP ${f.status}${tries}). Prøv igen senere. ${NEXT_RUN}`;
  } else if (f.noResponse && f.timedOut) {
    const secs = ctx.timeoutMs ? ` inden for ${ctx.timeoutMs >= 1000 ? `${Math.round(ctx.timeoutMs / 1000)} sekunder` : `${ctx.timeoutMs} millisekunder`}` : '';
    sentence = `${service} svarede ikke${secs}${exhausted ? ` (${exhausted.attempts} forsøg)` : ''}. Prøv igen senere. ${NEXT_RUN}`;
  } else if (f.noResponse) {
    sentence = `Kunne ikke komme i forbindelse med ${service} (${f.code ?? 'intet svar'}${tries}). Tjek netværksforbindelsen, og prøv igen. ${NEXT_RUN}`;
  } else if (/invalid_grant|expired or revoked/i.test(`${f.reason ?? ''} ${f.message ?? ''}`)) {
    sentence = `Det gemte Google-login er udløbet eller tilbagekaldt. Kør "dagsorden auth" igen.`;
  } else {
    sentence = `${service} afviste forespørgslen om ${what(ctx.target)} (HTTP ${f.status ?? '?'}: ${f.message ?? 'ukendt fejl'}).`;
  }
  const err = new UserError('service', sentence);
  err.cause = e;
  return err;
}
