// The iCalendar feed of a forum's meetings (subscribed to with a webcal:// link): every meeting the
// site lists, cancelled ones as CANCELLED, times in the workbook's zone with a VTIMEZONE.

import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import { meetingInterval } from '../delivery/mail/invitation-ics.js';
import { absolute, paths } from './addresses.js';
import { meetingState } from './html.js';
import type { PortalInput, PortalMeeting } from './input.js';

export function forumCalendar(input: PortalInput, forum: string, meetings: readonly PortalMeeting[]): string {
  const host = new URL(input.siteAddress).hostname;
  const cal = ical({
    name: `${forum} – ${input.organisation}`,
    prodId: { company: 'dagsorden', product: 'dagsorden', language: 'DA' },
    url: absolute(input.siteAddress, paths.forum(forum)),
    timezone: { name: null, generator: getVtimezoneComponent },
  });
  for (const m of meetings) {
    const { start, end } = meetingInterval(m.view, input.timeZone);
    // NOTE: DTSTAMP from the data, not the clock, so an unchanged calendar is the same bytes.
    const stamp = DateTime.fromISO(m.updatedAt ?? `${m.view.date}T00:00:00Z`, { zone: 'utc' });
    cal.createEvent({
      // NOTE: not the invitations' UID: a member who subscribes as well keeps both, from two sources.
      id: `${m.view.id}@${host}`,
      stamp: stamp.isValid ? stamp : DateTime.fromISO(`${m.view.date}T00:00:00Z`, { zone: 'utc' }),
      start,
      end,
      timezone: input.timeZone,
      summary: `${m.view.forum}${m.view.status === 'Aflyst' ? ' (aflyst)' : ''}`,
      description: `${meetingState(m)}: ${absolute(input.siteAddress, paths.meeting(m.view.id))}`,
      location: m.view.place,
      url: absolute(input.siteAddress, paths.meeting(m.view.id)),
      status: m.view.status === 'Aflyst' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return cal.toString();
}
