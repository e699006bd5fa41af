// Danish date and time phrases as the forum's papers write them.

import { DateTime } from 'luxon';
import type { ClockTime, IsoDate } from '../model.js';

const WEEKDAYS = ['mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag', 'lørdag', 'søndag'];
const MONTHS = ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'december'];

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function parts(date: IsoDate): { weekday: string; day: string; month: string; year: number; dmy: string } {
  const dt = DateTime.fromISO(date, { zone: 'utc' });
  return {
    weekday: WEEKDAYS[dt.weekday - 1]!,
    day: String(dt.day).padStart(2, '0'),
    month: MONTHS[dt.month - 1]!,
    year: dt.year,
    dmy: dt.toFormat('dd-MM-yyyy'),
  };
}

/** `24-03-2022` */
export function shortDate(date: IsoDate): string {
  return parts(date).dmy;
}

/** `Torsdag d. 24. marts 2022 kl. 09:00` (the day always two digits, as in the papers). */
export function meetingDateLine(date: IsoDate, start: ClockTime): string {
  const p = parts(date);
  return `${capitalise(p.weekday)} d. ${p.day}. ${p.month} ${p.year} kl. ${start}`;
}

/** `torsdag d. 24. marts 2022 kl. 09:00`, for use inside a sentence or a subject line. */
export function meetingDateInline(date: IsoDate, start: ClockTime): string {
  const p = parts(date);
  return `${p.weekday} d. ${Number(p.day)}. ${p.month} ${p.year} kl. ${start}`;
}
