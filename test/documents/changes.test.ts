// diffAgenda and describeChanges: table-driven cases, each a change to the sent agenda and the
// Danish sentences the amended invitation shows.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editionView, type Edition } from '../../src/documents/edition.js';
import { DANISH_CHANGE_PHRASES, describeChanges, diffAgenda, snapshotAgenda, storedContents, type AgendaSnapshot } from '../../src/documents/changes.js';
import { MAIL_TEMPLATE_DIR } from '../../src/delivery/mail/mail-template.js';
import type { Item, Meeting } from '../../src/model.js';
import { parseRichText } from '../../src/validate/richtext.js';
import { CANARY, canaryItem, item, meeting, slot } from '../mail/fixtures.js';

const base = (): Meeting => meeting();

function withItems(m: Meeting, items: Item[]): Meeting {
  return { ...m, items: items.map((i, n) => ({ ...i, number: n + 1 })) };
}

function describeDiff(before: Meeting, after: Meeting, edition: Edition = 'medlemmer'): string[] {
  // NOTE: the version sent before is read back as the log keeps it: hashes, no titles.
  return describeChanges(diffAgenda(JSON.parse(storedContents(snapshotAgenda(editionView(before, edition)))) as AgendaSnapshot, snapshotAgenda(editionView(after, edition))));
}

const [i1, i2, i3, i4] = base().items as [Item, Item, Item, Item];
const bilag = (name: string, sha: string): Item['attachments'][number] => ({ title: name, path: `bilag/${name}`, file: { name, mediaType: 'application/pdf', size: 1000, sha256: sha.repeat(64) } });
/** The meeting with item 2's bilag as files: the version compared against. */
const withFiles = (m: Meeting): Meeting => withItems(m, [m.items[0]!, { ...m.items[1]!, attachments: [bilag('kort.pdf', 'a'), bilag('oplæg.docx', 'b')] }, ...m.items.slice(2)]);

const budget = item(5, 'Budgetproces 2024', { caseNumber: '00.30.00-P00-5-21' });

describe('diffAgenda + describeChanges', () => {
  it.each<[string, (m: Meeting) => Meeting, Edition, string[]]>([
    ['nothing changed', (m) => m, 'medlemmer', []],
    ['the remark changed (never published)', (m) => ({ ...m, remark: 'ny bemærkning' }), 'medlemmer', []],
    ['an item added at the end', (m) => withItems(m, [i1, i2, i3, i4, budget]), 'medlemmer', ['Punkt 5 »Budgetproces 2024« er tilføjet.']],
    [
      'an item added in the middle renumbers the rest',
      (m) => withItems(m, [i1, budget, i2, i3, i4]),
      'medlemmer',
      ['Punkt 2 »Budgetproces 2024« er tilføjet.', 'Punkt 2 er flyttet til punkt 3.', 'Punkt 3 er flyttet til punkt 4.', 'Punkt 4 er flyttet til punkt 5.'],
    ],
    ['an item removed', (m) => withItems(m, [i1, i2, i3]), 'medlemmer', ['Punkt 4 er fjernet.']],
    ['two items swapped', (m) => withItems(m, [i2, i1, i3, i4]), 'medlemmer', ['Punkt 2 er flyttet til punkt 1.', 'Punkt 1 er flyttet til punkt 2.']],
    [
      'retitled (same case number and place)',
      (m) => withItems(m, [i1, { ...i2, title: 'Budgetproces 2023 og 2024' }, i3, i4]),
      'medlemmer',
      ['Titlen på punkt 2 er ændret til »Budgetproces 2023 og 2024«.'],
    ],
    [
      'only the prefix changed',
      (m) => withItems(m, [i1, { ...i2, prefix: 'DIF/CF' }, i3, i4]),
      'medlemmer',
      ['Titlen på punkt 2 er ændret til »DIF/CF - Budgetproces 2023«.'],
    ],
    [
      'text changed in one section',
      (m) => withItems(m, [i1, { ...i2, occasion: parseRichText('Chefforum drøfter budgetproces 2023 (ny tekst).') }, i3, i4]),
      'medlemmer',
      ['Teksten i punkt 2 (Anledning) er ændret.'],
    ],
    [
      'a new section, Indstiller, and Bilag',
      (m) => withItems(m, [{ ...i1, recommender: 'Direktøren', presentation: parseRichText('Ny sagsfremstilling.'), attachments: [{ title: 'Økonomirapport' }] }, i2, i3, i4]),
      'medlemmer',
      ['Teksten i punkt 1 (Sagsfremstilling) er ændret.', 'Teksten i punkt 1 (Indstilling) er ændret.', 'Bilag 1 til punkt 1 er tilføjet.'],
    ],
    ['a bilag file changed (same title and path, new checksum)', (m) => withItems(withFiles(m), [i1, { ...withFiles(m).items[1]!, attachments: [bilag('kort.pdf', 'a'), bilag('oplæg.docx', 'c')] }, i3, i4]), 'medlemmer', ['Bilag 2 til punkt 2 er ændret.']],
    ['a bilag added and one removed', (m) => withItems(withFiles(m), [i1, { ...withFiles(m).items[1]!, attachments: [bilag('kort.pdf', 'a')] }, { ...i3, attachments: [...i3.attachments, bilag('x.pdf', 'd')] }, i4]), 'medlemmer', ['Bilag 2 til punkt 2 er fjernet.', 'Bilag 2 til punkt 3 er tilføjet.']],
    ["a closed item's bilag changed, in the public edition", (m) => withItems(withFiles(m), [i1, withFiles(m).items[1]!, { ...i3, attachments: [bilag('x.pdf', 'd')] }, i4]), 'offentlig', []],
    ['Beslutning is not part of the agenda', (m) => withItems(m, [{ ...i1, decision: parseRichText('Godkendt.') }, i2, i3, i4]), 'medlemmer', []],
    [
      'time slot changed, added and removed',
      (m) => withItems(m, [{ ...i1, timeSlot: slot('9.00-9.30') }, { ...i2, timeSlot: undefined }, i3, { ...i4, timeSlot: slot('11.30-12.00') }]),
      'medlemmer',
      ['Tidsrummet for punkt 1 er ændret fra 9.00-9.20 til 9.00-9.30.', 'Tidsrummet 9.20-9.40 for punkt 2 er fjernet.', 'Punkt 4 har fået tidsrummet 11.30-12.00.'],
    ],
    [
      'meeting time and place',
      (m) => ({ ...m, start: '10:00', place: 'Teams' }),
      'medlemmer',
      ['Mødetidspunktet er ændret fra torsdag d. 24. marts 2022 kl. 09:00-12:00 til torsdag d. 24. marts 2022 kl. 10:00-12:00.', 'Mødestedet er ændret fra Mødelokale 1 til Teams.'],
    ],
    ['another date', (m) => ({ ...m, date: '2022-03-31' }), 'offentlig', ['Mødetidspunktet er ændret fra torsdag d. 24. marts 2022 kl. 09:00-12:00 til torsdag d. 31. marts 2022 kl. 09:00-12:00.']],
    [
      'a case number shared by two items: the right one is retitled',
      (m) => withItems(m, [i1, i2, i3, { ...i4, title: 'Eventuelt og afslutning' }, item(5, 'Status fra afdelingerne', { caseNumber: '00.01.00-A21-2-21' })]),
      'medlemmer',
      ['Titlen på punkt 4 er ændret til »Eventuelt og afslutning«.', 'Punkt 5 »Status fra afdelingerne« er tilføjet.'],
    ],
    ['a closed item retitled, for a member who sees it', (m) => withItems(m, [i1, i2, { ...i3, title: 'Ny titel' }, i4]), 'medlemmer', ['Titlen på punkt 3 er ændret til »Ny titel«.']],
    // The public edition: nothing about a closed item's title or content, ever.
    ['a closed item retitled and rewritten, in the public edition', (m) => withItems(m, [i1, i2, { ...i3, title: 'Ny titel', presentation: parseRichText('Ny tekst') }, i4]), 'offentlig', []],
    ['a closed item added, in the public edition', (m) => withItems(m, [i1, i2, i3, i4, canaryItem(5)]), 'offentlig', ['Punkt 5 (lukket punkt) er tilføjet.']],
    ['a closed item removed, in the public edition', (m) => withItems(m, [i1, i2, i4]), 'offentlig', ['Punkt 3 (lukket punkt) er fjernet.', 'Punkt 4 er flyttet til punkt 3.']],
    ['an open item closed, in the public edition', (m) => withItems(m, [i1, { ...i2, closed: true, title: `Hemmelig ${CANARY}` }, i3, i4]), 'offentlig', ['Punkt 2 er nu et lukket punkt.']],
    ['an open item closed, for a member who sees it', (m) => withItems(m, [i1, { ...i2, closed: true }, i3, i4]), 'medlemmer', ['Punkt 2 er nu et lukket punkt.']],
    ['a closed item opened, in the public edition', (m) => withItems(m, [i1, i2, { ...i3, closed: false, title: 'Omplacering' }, i4]), 'offentlig', ['Punkt 3 »Omplacering« er ikke længere lukket.']],
  ])('%s', (_name, change, edition, expected) => {
    const before = _name.includes('bilag') && !_name.includes('Bilag') ? withFiles(base()) : base();
    const sentences = describeDiff(before, change(base()), edition);
    expect(sentences).toEqual(expected);
    if (edition === 'offentlig') expect(sentences.join(' ')).not.toContain(CANARY);
  });

  it('refuses to compare snapshots of different editions', () => {
    expect(() => diffAgenda(snapshotAgenda(editionView(base(), 'medlemmer')), snapshotAgenda(editionView(base(), 'offentlig')))).toThrow(/different editions/);
  });

  it('tags every change with the edition it was computed for', () => {
    const changes = diffAgenda(snapshotAgenda(editionView(base(), 'offentlig')), snapshotAgenda(editionView({ ...base(), place: 'Teams' }, 'offentlig')));
    expect(changes).toEqual([{ edition: 'offentlig', kind: 'place', before: 'Mødelokale 1', after: 'Teams' }]);
  });

  it('keeps section texts out of the snapshot (only hashes), so it can be stored with the log', () => {
    const json = storedContents(snapshotAgenda(editionView(base(), 'medlemmer')));
    expect(json).not.toContain('-sagsfremstilling');
    // nor titles: an item closed later must not linger in the log
    expect(json).not.toContain(CANARY);
    expect(json).not.toContain('BEMÆRKNING-KANARIE');
    const publicJson = JSON.stringify(snapshotAgenda(editionView(base(), 'offentlig')));
    expect(publicJson).not.toContain(CANARY);
    // and a stored snapshot compares like a fresh one
    expect(diffAgenda(JSON.parse(json), snapshotAgenda(editionView(base(), 'medlemmer')))).toEqual([]);
  });

  it('uses the same sentences as templates/mail/phrases.json', async () => {
    const phrases = JSON.parse(await readFile(join(MAIL_TEMPLATE_DIR, 'phrases.json'), 'utf8')) as { changes: unknown };
    expect(phrases.changes).toEqual(DANISH_CHANGE_PHRASES);
  });
});
