// Parsers for every value form a cell may arrive in (serial numbers, date cells, typed text).
// Each returns a value or a Danish sentence saying what is wrong and what to do.

import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import { DateTime } from 'luxon';
import type { Attachment, ClockTime, IsoDate, TimeSlot } from '../model.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = (message: string): Parsed<never> => ({ ok: false, message });

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The serial day number's calendar date (days since 1899-12-30). */
function dateFromSerial(serial: number): IsoDate | null {
  const day = Math.floor(serial + 1e-9);
  const dt = DateTime.fromMillis((day - 25_569) * 86_400_000, { zone: 'utc' });
  return dt.isValid && day >= 1 ? dt.toISODate() : null;
}

/** The serial number's time of day, rounded to the minute. */
function clockFromSerial(serial: number): ClockTime {
  const minutes = Math.round((serial - Math.floor(serial + 1e-9)) * 24 * 60);
  return `${pad2(Math.floor(minutes / 60) % 24)}:${pad2(minutes % 60)}`;
}

function checkedDate(y: number, m: number, d: number, typed: string): Parsed<IsoDate> {
  const dt = DateTime.fromObject({ year: y, month: m, day: d }, { zone: 'utc' });
  if (!dt.isValid) return fail(`Datoen ${typed} findes ikke. Ret dag eller måned, fx 24-03-2022.`);
  return ok(dt.toISODate()!);
}

const DATE_DMY = /^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$/;
const DATE_ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

export function parseDate(raw: string | number): Parsed<IsoDate> {
  if (typeof raw === 'number') {
    const d = dateFromSerial(raw);
    return d ? ok(d) : fail(`Tallet ${raw} er ikke en dato. Skriv datoen som dd-mm-åååå, fx 24-03-2022.`);
  }
  const s = raw.trim();
  let m = DATE_DMY.exec(s);
  if (m) return checkedDate(Number(m[3]), Number(m[2]), Number(m[1]), s);
  m = DATE_ISO.exec(s);
  if (m) return checkedDate(Number(m[1]), Number(m[2]), Number(m[3]), s);
  return fail(`"${s}" er ikke en dato. Skriv datoen som dd-mm-åååå, fx 24-03-2022.`);
}

const TIME = /^(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})$/i;

/** A serial date-time as the secretary typed it: `24-03-2022 09:00`. */
function typedDateTime(serial: number): string | null {
  const d = dateFromSerial(serial);
  return d ? `${d.slice(8, 10)}-${d.slice(5, 7)}-${d.slice(0, 4)} ${clockFromSerial(serial)}` : null;
}

export function parseTime(raw: string | number): Parsed<ClockTime> {
  if (typeof raw === 'number') {
    // NOTE: a date and time typed in a time cell arrives as one serial number; show it as typed.
    const typed = raw >= 1 ? typedDateTime(raw) : null;
    if (typed) return fail(`Cellen indeholder både dato og klokkeslæt (${typed}). Skriv kun klokkeslættet, fx ${typed.slice(11)}.`);
    if (raw < 0 || raw >= 1) return fail(`Tallet ${raw} er ikke et klokkeslæt. Skriv klokkeslættet som tt:mm, fx 09:00.`);
    return ok(clockFromSerial(raw));
  }
  const s = raw.trim();
  const m = TIME.exec(s);
  if (!m) {
    const both = /^\S+[ T]+(?:kl\.?\s*)?(\d{1,2}[:.]\d{2})$/i.exec(s);
    if (both && parseDate(s.split(/[ T]/)[0]!).ok) return fail(`Cellen indeholder både dato og klokkeslæt (${s}). Skriv kun klokkeslættet, fx ${both[1]}.`);
    return fail(`"${s}" er ikke et klokkeslæt. Skriv klokkeslættet som tt:mm, fx 09:00.`);
  }
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return fail(`Klokkeslættet ${s} findes ikke. Skriv et klokkeslæt mellem 00:00 og 23:59, fx 09:00.`);
  return ok(`${pad2(h)}:${pad2(min)}`);
}

/** A local wall-clock date-time, `yyyy-MM-ddTHH:mm`. */
export function parseDateTime(raw: string | number): Parsed<string> {
  const hint = 'Skriv dato og klokkeslæt, fx 17-03-2022 12:00.';
  if (typeof raw === 'number') {
    const d = dateFromSerial(raw);
    return d ? ok(`${d}T${clockFromSerial(raw)}`) : fail(`Tallet ${raw} er ikke et tidspunkt. ${hint}`);
  }
  const s = raw.trim();
  const m = /^(\S+)(?:[ T]+(?:kl\.?\s*)?(\d{1,2}[:.]\d{2})(?::\d{2}(?:\.\d+)?)?)?$/i.exec(s);
  if (!m) return fail(`"${s}" er ikke et tidspunkt. ${hint}`);
  const date = parseDate(m[1]!);
  if (!date.ok) return DATE_DMY.test(m[1]!) || DATE_ISO.test(m[1]!) ? date : fail(`"${s}" er ikke et tidspunkt. ${hint}`);
  const time = m[2] ? parseTime(m[2]) : ok('00:00');
  if (!time.ok) return time;
  return ok(`${date.value}T${time.value}`);
}

export function parseInteger(raw: string | number): Parsed<number> {
  const n = typeof raw === 'number' ? raw : /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 0) return fail(`"${raw}" er ikke et helt tal. Skriv et helt tal, fx 3.`);
  return ok(n);
}

const TRUE_WORDS = new Set(['ja', 'j', 'true', 'sand', 'x', '1', 'yes', '✓', '✔']);
const FALSE_WORDS = new Set(['nej', 'n', 'false', 'falsk', '0', 'no', '-']);

export function parseBoolean(raw: string | number | boolean): Parsed<boolean> {
  if (typeof raw === 'boolean') return ok(raw);
  const s = String(raw).trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return ok(true);
  if (FALSE_WORDS.has(s)) return ok(false);
  return fail(`"${raw}" er hverken ja eller nej. Skriv Ja eller Nej (eller sæt et flueben).`);
}

// NOTE: deliberately simple and strict: one @, a dot in the domain, no spaces. Mail servers accept
// more, but a secretary's typo (comma, missing dot, two @) is what this has to catch.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function parseEmail(raw: string): Parsed<string> {
  const s = raw.trim();
  if (!EMAIL.test(s) || s.includes('..')) return fail(`"${s}" er ikke en gyldig e-mailadresse. Ret adressen, fx anne.jensen@example.org.`);
  return ok(s);
}

/** KLE journal number: emne (dd.dd.dd), handlingsfacet (Xdd), serial, year: `00.01.00-A21-2-21`. */
const CASE_NUMBER = /^\d{2}\.\d{2}\.\d{2}-[A-ZÆØÅ]\d{2}-\d{1,6}-\d{2}$/;

export function parseCaseNumber(raw: string | number): Parsed<string> {
  const s = String(raw).trim();
  if (!CASE_NUMBER.test(s)) return fail(`"${s}" er ikke et gyldigt KLE-journalnummer. Skriv det som fx 00.01.00-A21-2-21.`);
  return ok(s);
}

const SLOT = /^(\d{1,2})[.:](\d{2})\s*[-–—]\s*(\d{1,2})[.:](\d{2})$/;

export function parseTimeSlot(raw: string | number): Parsed<TimeSlot> {
  const s = String(raw).trim();
  const m = SLOT.exec(s);
  const hint = 'Skriv tidsrummet som fx 9.00-9.20.';
  if (!m) return fail(`"${s}" er ikke et tidsrum. ${hint}`);
  const [h1, m1, h2, m2] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) return fail(`Tidsrummet ${s} indeholder et klokkeslæt, der ikke findes. ${hint}`);
  if (h2 * 60 + m2 <= h1 * 60 + m1) return fail(`Tidsrummet ${s} slutter, før det begynder. ${hint}`);
  return ok({ start: `${pad2(h1)}:${pad2(m1)}`, end: `${pad2(h2)}:${pad2(m2)}`, label: `${h1}.${pad2(m1)}-${h2}.${pad2(m2)}` });
}

/** Indstilling: one `at ...` point per line, numbers optional. */
export function parseRecommendation(raw: string): Parsed<string[]> {
  const points = raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.replace(/^\d+\s*[.)]\s*/, '').trim());
  return ok(points.filter((p) => p !== ''));
}

/** Bilag: `Titel`, `Titel | https://...` (a Drive file's link too) or `Titel | bilag/kort.pdf` per line. */
export function parseAttachments(raw: string): Parsed<Attachment[]> {
  const out: Attachment[] = [];
  for (const line of raw.split(/\r?\n/)) {
    const l = line.trim().replace(/^[-*]\s+/, '');
    if (!l) continue;
    const bar = l.lastIndexOf('|');
    if (bar < 0) {
      // NOTE: a line that is only a Drive file's link (a file smart chip alone on its line reads so)
      // is that file, titled by its name once read; the link text stands in for the title until then.
      const drive = driveFileId(l);
      out.push(drive ? { title: l, url: l, drive } : { title: l });
      continue;
    }
    const title = l.slice(0, bar).trim();
    const ref = l.slice(bar + 1).trim();
    // NOTE: only these schemes become links; javascript:, file:, data: could run or reveal something
    // on the reader's machine. Anything else with a scheme is refused; without one it is a file path.
    if (/^(https?:\/\/|mailto:)\S+$/i.test(ref)) {
      // NOTE: a Drive folder is never a bilag: its contents change behind the agenda's back and its sharing is its own.
      if (/^https:\/\/drive\.google\.com\/drive\/(u\/\d+\/)?folders\//i.test(ref)) {
        return fail(`Bilaget "${l}" er et link til en mappe i Google Drive, ikke til en fil. Indsæt et link til selve filen (Del → Kopiér link på filen), ét bilag pr. linje.`);
      }
      const drive = driveFileId(ref);
      out.push({ title: title || ref, url: ref, ...(drive ? { drive } : {}) });
      continue;
    }
    const path = parseAttachmentPath(ref);
    if (!path.ok) return fail(`Bilaget "${l}" ${path.message} ${ATTACHMENT_HINT}`);
    out.push({ title: title || path.value.split('/').pop()!, path: path.value });
  }
  if (out.length > MAX_ATTACHMENTS_PER_ITEM) {
    return fail(`Punktet har ${out.length} bilag; der kan højst være ${MAX_ATTACHMENTS_PER_ITEM}. Saml bilagene i færre filer, fx ét samlet PDF-bilag, eller fjern nogle.`);
  }
  return ok(out);
}

/**
 * The id of the Drive file a link names, or undefined when it is not a link to one file in Drive:
 * `drive.google.com/file/d/<id>/…`, `…/open?id=<id>`, `…/uc?id=<id>`, and the Docs, Sheets and Slides
 * editors' `docs.google.com/<app>/d/<id>/…` (also with `/u/0/`). A folder is not a file.
 */
export function driveFileId(url: string): string | undefined {
  const m =
    /^https:\/\/(?:drive|docs)\.google\.com\/(?:u\/\d+\/)?file\/d\/([A-Za-z0-9_-]{10,})(?:[/?#]|$)/i.exec(url) ??
    /^https:\/\/docs\.google\.com\/(?:document|spreadsheets|presentation|drawings|forms)\/(?:u\/\d+\/)?d\/(?!e\/)([A-Za-z0-9_-]{10,})(?:[/?#]|$)/i.exec(url) ??
    /^https:\/\/drive\.google\.com\/(?:u\/\d+\/)?(?:open|uc)\?(?:[^#]*&)?id=([A-Za-z0-9_-]{10,})(?:[&#]|$)/i.exec(url);
  return m?.[1];
}

/** Bilag one item may have: more than a reader can use, and each one a file to copy and mail. */
export const MAX_ATTACHMENTS_PER_ITEM = 20;

const ATTACHMENT_HINT = 'Ret linket, så det begynder med https://, eller skriv stien til en fil i mappen ved siden af regnearket, fx bilag/kort.pdf. Eller fjern | og linket.';

/**
 * A bilag's file path, relative to the workbook's folder: `bilag/kort.pdf`, `/`-separated. It may not
 * leave that folder (`..`, an absolute path, a drive letter) nor hold characters a file name cannot;
 * the file itself is read later, inside the folder only (src/local/bilag-source.ts). The refusal says
 * what is wrong without the path, so a closed item's message can be shown whole.
 */
export function parseAttachmentPath(ref: string): Parsed<string> {
  if (ref === '') return fail('mangler et link eller en filsti efter |.');
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) return fail('har et link, der ikke begynder med https://, http:// eller mailto:.');
  if (/^[/\\]/.test(ref)) return fail('har en sti, der begynder med / og derfor peger uden for regnearkets mappe.');
  const segments = ref.split(/[/\\]/).map((s) => s.trim());
  if (segments.some((s) => s === '..')) return fail('har en sti med .., der peger uden for regnearkets mappe.');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  if (segments.some((s) => s === '' || s.startsWith('.') || /[\u0000-\u001f\u007f:*?"<>|]/.test(s))) {
    return fail('har en sti med et tegn eller et mappenavn, der ikke kan bruges i et filnavn (fx //, et navn der begynder med punktum, anførselstegn eller et af tegnene : * ? < > |).');
  }
  return ok(segments.join('/'));
}

export function parseList(raw: string): Parsed<string[]> {
  return ok(
    raw
      .split(/[,;\n]/)
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

export function parseIanaZone(raw: string): Parsed<string> {
  const s = raw.trim();
  if (!DateTime.local().setZone(s).isValid) return fail(`Tidszonen "${s}" kendes ikke. Skriv fx Europe/Copenhagen.`);
  // NOTE: the calendar invitation must carry the zone's rules (VTIMEZONE) under this very name, or
  // Outlook may shift the hour across daylight saving; the library that supplies them lacks a few zones.
  const tzid = /^TZID:(.*?)\r?$/m.exec(getVtimezoneComponent(s) ?? '')?.[1];
  if (tzid !== s) return fail(`Tidszonen "${s}" kan ikke bruges i kalenderinvitationer. Skriv en tidszone som Europe/Copenhagen.`);
  return ok(s);
}
