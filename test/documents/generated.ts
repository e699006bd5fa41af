// Meetings made up from a seed, for checking the page estimate against LibreOffice on many layouts:
// paragraphs of every length, lists, sub-headings, tables that run over pages, a table too wide for
// a portrait page, quotes, code, rules, long words, Indstilling and Bilag, closed items.

import type { Item, Meeting } from '../../src/model.js';
import { parseRichText } from '../../src/validate/richtext.js';
import { testItem } from '../helpers/items.js';
import { STRESS_MEETING } from './stress.js';

const WORDS = (
  'og i at det er en til på som med for af den ikke de har vil kommune borgere udvikling budget økonomi indsats skole ' +
  'område plan forslag beslutning sagsfremstilling Albertslund medarbejdere fællesskab bæredygtig trivsel sundhed ' +
  'ledelse organisation rammeaftale strategi handleplan erhvervsindsatsen 2022 10.000 30-09-2022 e-mail og/eller kr. ' +
  '(se bilag) “citat” – øvrige Økonomirapport ØR1'
).split(' ');

const WIDE_TABLE = [
  '| Område | Budget 2022 | Forbrug | Afvigelse | Prognose | Budget 2023 | Overført | Korrektion | Ramme | Bemærkning |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  '| Ejendomsadministration | 1.234.567.890 | 98.765.432,10 | -12.345.678 | 2.345.678.901 | 1.111.222.333 | 44.555.666 | -7.888.999 | 1.234.567.890 | Budgetopfølgning |',
].join('\n');

/** A small linear congruential generator: the same seed, the same meetings. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** `count` meetings of 1 to 12 items each. */
export function generatedMeetings(count: number, seed: number): Meeting[] {
  const next = random(seed);
  const below = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[below(xs.length)]!;
  const sentence = () => {
    const words = Array.from({ length: 4 + below(18) }, () => pick(WORDS));
    return `${words.join(' ').charAt(0).toUpperCase()}${words.join(' ').slice(1)}.`;
  };
  const paragraph = () => Array.from({ length: 1 + below(6) }, sentence).join(' ');
  const block = (): string => {
    const r = next();
    if (r < 0.45) return paragraph();
    if (r < 0.55) return Array.from({ length: 2 + below(5) }, () => `- ${sentence()}${next() < 0.2 ? `\n  - ${sentence()}` : ''}`).join('\n');
    if (r < 0.62) return Array.from({ length: 2 + below(5) }, (_, i) => `${i + 1}. ${paragraph()}`).join('\n');
    if (r < 0.68) return `### ${sentence()}`;
    if (r < 0.72) return `#### ${sentence()}`;
    if (r < 0.8) {
      const columns = 2 + below(3);
      const row = (cell: () => string) => `| ${Array.from({ length: columns }, cell).join(' | ')} |`;
      return [row(() => pick(WORDS)), row(() => '---'), ...Array.from({ length: 2 + below(8) }, () => row(() => (next() < 0.3 ? sentence() : pick(WORDS))))].join('\n');
    }
    if (r < 0.83) return `> ${paragraph()}`;
    if (r < 0.86) return 'Linje et\nLinje to\nLinje tre';
    if (r < 0.88) return '---';
    if (r < 0.9) return '```\nkode linje\nanden linje\n```';
    if (r < 0.92) return `Et [link med tekst](https://example.org/bilag.pdf) og **fed** og *kursiv*. ${sentence()}`;
    if (r < 0.93) return 'x'.repeat(100 + below(3000));
    if (r < 0.95) return WIDE_TABLE;
    return paragraph();
  };
  const rich = (blocks: number) => parseRichText(Array.from({ length: blocks }, block).join('\n\n'));
  const maybe = <T>(chance: number, make: () => T): T | undefined => (next() < chance ? make() : undefined);
  return Array.from({ length: count }, (): Meeting => {
    const items = Array.from({ length: 1 + below(12) }, (_, i): Item => {
      const recommender = maybe(0.6, () => 'Kommunaldirektøren');
      const occasion = maybe(0.5, () => rich(1 + below(3)));
      const supplement = maybe(0.2, () => rich(1 + below(4)));
      const history = maybe(0.3, () => rich(1 + below(3)));
      const decision = maybe(0.7, () => rich(1 + below(3)));
      return testItem(STRESS_MEETING.id, i + 1, {
        title: sentence().slice(0, 20 + below(80)),
        closed: next() < 0.1,
        recommendationFirst: next() < 0.2,
        recommendation: recommender ? Array.from({ length: 1 + below(4) }, () => `at ${sentence()}`) : [],
        ...(recommender ? { recommender } : {}),
        attachments: maybe(0.5, () => Array.from({ length: 1 + below(4) }, () => ({ title: sentence(), ...(next() < 0.5 ? { url: 'https://example.org/b.pdf' } : {}) }))) ?? [],
        ...(occasion ? { occasion } : {}),
        presentation: rich(below(14)),
        ...(supplement ? { supplement } : {}),
        ...(history ? { history } : {}),
        ...(decision ? { decision } : {}),
      });
    });
    return { ...STRESS_MEETING, items };
  });
}
