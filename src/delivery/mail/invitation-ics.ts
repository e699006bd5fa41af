// The meeting as an iCalendar invitation (METHOD:REQUEST) or cancellation (METHOD:CANCEL), built
// with ical-generator, times in the workbook's zone with a VTIMEZONE so clients keep the local hour.

import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalAttendeeType, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import { UserError } from '../../errors.js';
import type { ClockTime, IsoDate } from '../../model.js';

export interface CalendarPerson {
  readonly name: string;
  readonly email: string;
}

export interface MeetingTimes {
  readonly date: IsoDate;
  readonly start: ClockTime;
  readonly end?: ClockTime;
}

export interface CalendarInviteInput {
  /** Stable for the meeting across every version: see `calendarUid`. */
  readonly uid: string;
  /** Raised by the runner on every change of time or place (and for the cancellation). */
  readonly sequence: number;
  /** DTSTAMP: when this version of the invitation was made. */
  readonly stamp: Date;
  readonly timeZone: string;
  readonly meeting: MeetingTimes;
  readonly summary: string;
  readonly description: string;
  readonly location: string;
  readonly organizer: CalendarPerson;
  readonly attendees: readonly CalendarPerson[];
  readonly cancelled?: boolean;
  /**
   * RSVP=TRUE and PARTSTAT=NEEDS-ACTION: a new invitation or a new time or place. False for an update
   * that keeps SEQUENCE (new agenda text): attendees are then listed without asking again, so the
   * answer a member gave stands (docs/lifecycle.md).
   */
  readonly askReply?: boolean;
}

/** Default length of a meeting whose Slut is empty. */
export const DEFAULT_MEETING_HOURS = 2;

/** `CF-2022-03-24@dagsorden.example.org`: the same for every invitation and cancellation of the meeting. */
export function calendarUid(meetingId: string, senderDomain: string): string {
  // NOTE: a control character or space in a UID could break the calendar line; the id is otherwise kept as typed.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  return `${meetingId.replace(/[\u0000-\u0020\u007f-\u009f\u2028\u2029]/g, '_')}@dagsorden.${senderDomain}`;
}

/** Start and end in the meeting's zone; without Slut the meeting lasts DEFAULT_MEETING_HOURS. */
export function meetingInterval(meeting: MeetingTimes, timeZone: string): { start: DateTime; end: DateTime } {
  const start = DateTime.fromISO(`${meeting.date}T${meeting.start}`, { zone: timeZone });
  if (!start.isValid) throw new Error(`Invalid meeting time ${meeting.date} ${meeting.start} in ${timeZone}: ${start.invalidExplanation ?? ''}`);
  const end = meeting.end ? DateTime.fromISO(`${meeting.date}T${meeting.end}`, { zone: timeZone }) : start.plus({ hours: DEFAULT_MEETING_HOURS });
  return { start, end };
}

/** The VCALENDAR text (CRLF lines, folded at 75 octets). */
export function buildCalendarInvite(input: CalendarInviteInput): string {
  const { start, end } = meetingInterval(input.meeting, input.timeZone);
  const cal = ical({
    method: input.cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
    prodId: { company: 'dagsorden', product: 'dagsorden', language: 'DA' },
    // NOTE: the zone goes on the events, not on the calendar. A calendar-level zone makes
    // ical-generator write DTSTAMP as local time without `Z`, which RFC 5545 forbids; with
    // `name: null` only the VTIMEZONE generator is set, and it runs for each event's zone.
    timezone: { name: null, generator: getVtimezoneComponent },
  });
  cal.createEvent({
    id: input.uid,
    sequence: input.sequence,
    stamp: DateTime.fromJSDate(input.stamp, { zone: 'utc' }),
    start,
    end,
    timezone: input.timeZone,
    summary: input.summary,
    description: input.description,
    location: input.location,
    status: input.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: { name: input.organizer.name, email: input.organizer.email },
    attendees: input.attendees.map((a) => ({
      name: a.name,
      email: a.email,
      ...(input.askReply === false ? { rsvp: false } : { rsvp: true, status: ICalAttendeeStatus.NEEDSACTION }),
      role: ICalAttendeeRole.REQ,
      type: ICalAttendeeType.INDIVIDUAL,
    })),
  });
  const text = cal.toString();
  // NOTE: without VTIMEZONE, Outlook may shift the hour across daylight saving; better to stop and say so.
  if (!text.includes('BEGIN:VTIMEZONE')) {
    throw new UserError('config', `Kalenderinvitationen kan ikke laves for tidszonen "${input.timeZone}" (Indstillinger → Tidszone). Brug en almindelig tidszone, fx Europe/Copenhagen.`);
  }
  return text;
}
