// A meeting that uses every Markdown feature the workbook spec allows (paragraphs, bullets, numbered
// lists nested in each other, bold, italic, links, ### and #### sub-headings, pipe tables, plain lines)
// and a 10-column numeric table, for the accessibility checks and the screenshots.

import { testItem } from '../helpers/items.js';
import type { Item, Meeting, Settings } from '../../src/model.js';
import { parseRichText } from '../../src/validate/richtext.js';

export const STRESS_SETTINGS: Settings = { organisation: 'Albertslund Kommune', timeZone: 'Europe/Copenhagen', daysBefore: 7, sendTime: '12:00', extra: {} };

/** The numbers and words of the wide table: each must come out of the PDF's text whole. */
export const WIDE_TABLE_TOKENS = ['1.234.567.890', '98.765.432,10', 'Budgetopfølgning', 'Ejendomsadministration', '-12.345.678', '2.345.678.901'];

const WIDE_TABLE = [
  '| Område | Budget 2022 | Forbrug | Afvigelse | Prognose | Budget 2023 | Overført | Korrektion | Ramme | Bemærkning |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  '| Ejendomsadministration | 1.234.567.890 | 98.765.432,10 | -12.345.678 | 2.345.678.901 | 1.111.222.333 | 44.555.666 | -7.888.999 | 1.234.567.890 | Budgetopfølgning |',
  '| Skoler | 456.789.012 | 445.123.456 | 11.665.556 | 450.000.000 | 470.000.000 | 5.000.000 | 0 | 475.000.000 | Uændret |',
  '| Ældrepleje | 321.654.987 | 330.000.000 | -8.345.013 | 335.000.000 | 340.000.000 | 0 | 2.500.000 | 342.500.000 | Merforbrug |',
].join('\n');

export const STRESS_MARKDOWN = [
  '#### Første overskrift i cellen er fire havelåger',
  '',
  'Et afsnit med **fed**, *kursiv*, ***begge dele*** og et [link til et bilag med en lang titel, der brydes over linjen i dokumentet](https://example.org/bilag/et-meget-langt-link-der-brydes.pdf).',
  '',
  '- Første punkt',
  '  - Indlejret punkt et',
  '  - Indlejret punkt to',
  '    1. Dybt nummer et',
  '    2. Dybt nummer to',
  '- Andet punkt',
  '',
  '1. Første nummer',
  '2. Andet nummer',
  '   - underpunkt',
  '3. Tredje nummer',
  '',
  '### En underoverskrift',
  '',
  'Linje et',
  'Linje to',
  '',
  '| Opgave | Tid brugt |',
  '| --- | ---: |',
  '| Samtaler | 6 timer |',
  '| I alt | 6 timer |',
  '',
  'Tabel over budgettet:',
  '',
  WIDE_TABLE,
  '',
  'Afsnit efter tabellen.',
].join('\n');

const item = (number: number, extra: Partial<Item>): Item => testItem('CF-2030-01-10', number, extra);

const rich = (source: string) => parseRichText(source);

/** Three items: the stress item, a closed item, and one whose Indstilling lines lack "at". */
export const STRESS_MEETING: Meeting = {
  id: 'CF-2030-01-10',
  forum: 'Chefforum',
  date: '2030-01-10',
  start: '09:00',
  place: 'Mødelokale 1',
  status: 'Dagsorden klar',
  row: 2,
  items: [
    item(1, {
      title: 'Alle formateringer',
      presentation: rich(STRESS_MARKDOWN),
      recommender: 'Kommunaldirektøren',
      recommendation: ['at punktet drøftes.'],
      attachments: [{ title: 'Bilag med link', url: 'https://example.org/bilag.pdf' }, { title: 'Bilag uden link' }],
      decision: rich('Godkendt.'),
    }),
    item(2, { title: 'Personalesag', closed: true, occasion: rich('Fortroligt indhold.'), decision: rich('Fortrolig beslutning.') }),
    item(3, {
      title: 'Indstilling uden at',
      occasion: rich('Kort anledning.'),
      recommender: 'Kommunaldirektøren',
      recommendation: ['punktet drøftes.', 'planen godkendes.'],
      decision: rich('Drøftet.'),
    }),
  ],
};
