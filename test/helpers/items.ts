// An agenda item for tests that build the model directly: the fields every item needs, and what the
// test cares about on top.

import type { Item } from '../../src/model.js';

export function testItem(meetingId: string, number: number, extra: Partial<Item> = {}): Item {
  return {
    meetingId,
    number,
    prefix: 'CF',
    title: `Punkt nummer ${number}`,
    caseNumber: '00.01.00-A21-2-21',
    closed: false,
    recommendationFirst: false,
    recommendation: [],
    attachments: [],
    row: number + 1,
    ...extra,
  };
}
