// The secretary's guide ("Vejledning"), in Danish, built from the schema so it never names a column,
// a status or a setting that the Sheet does not have: the `Vejledning` tab (init-sheet, and the job
// for an existing Sheet), docs/vejledning.md and the one-page PDF are all this one text.

import { ITEMS_TAB, MEETINGS_TAB, MEMBERS_TAB, PROBLEMS_TAB, SETTINGS, SETTINGS_TAB, SUBSCRIBERS_TAB, type ColumnSpec, type MeetingStatus, type TabSpec } from './schema.js';

export const GUIDE_TAB_NAME = 'Vejledning';
/** The guide tab's two header cells. */
export const GUIDE_HEADERS = ['Emne', 'Sådan gør du'] as const;

export interface GuideSection {
  readonly heading: string;
  /** Each paragraph is one cell in the tab and one paragraph in the Markdown and the PDF. */
  readonly paragraphs: readonly string[];
}

/** A column by its model key: the guide quotes its header as the Sheet shows it. */
function col(tab: TabSpec, key: string): ColumnSpec {
  const c = tab.columns.find((x) => x.key === key);
  if (!c) throw new Error(`sheets-schema: ${tab.name} has no column with key ${key}`);
  return c;
}

const h = (tab: TabSpec, key: string): string => `«${col(tab, key).header}»`;
const t = (tab: TabSpec): string => `fanen «${tab.name}»`;
/** At the start of a sentence. */
const T = (tab: TabSpec): string => `Fanen «${tab.name}»`;
const status = (s: MeetingStatus): string => `«${s}»`;

function setting(key: (typeof SETTINGS)[number]['key']): { readonly key: string; readonly value: string } {
  const s = SETTINGS.find((x) => x.key === key)!;
  return { key: `«${s.key}»`, value: s.default ?? '' };
}

/** The guide, section by section. */
export function guideSections(): readonly GuideSection[] {
  const M = MEETINGS_TAB;
  const P = ITEMS_TAB;
  const days = setting('Dage før mødet');
  const time = setting('Udsendelsestidspunkt');
  const closed = col(P, 'closed');
  return [
    {
      heading: 'Planlæg et møde',
      paragraphs: [
        `Tilføj en række i ${t(M)}. Udfyld ${h(M, 'id')} (fx ${col(M, 'id').example}), ${h(M, 'forum')}, ${h(M, 'date')}, ${h(M, 'start')} og ${h(M, 'place')}, og sæt ${h(M, 'status')} til ${status('Planlagt')}.`,
        `Når dagsordenen er færdig, sætter du ${h(M, 'status')} til ${status('Dagsorden klar')}. Så udsendes den ${days.value} dage før mødet kl. ${time.value} (${days.key} og ${time.key} i ${t(SETTINGS_TAB)}), eller på tidspunktet i ${h(M, 'sendAgendaAt')}, hvis du har udfyldt den.`,
        `Efter mødet skriver du beslutningerne og sætter ${h(M, 'status')} til ${status('Referat klar')}. Så udsendes referatet. ${h(P, 'decision')}: ${col(P, 'decision').note}`,
      ],
    },
    {
      heading: 'Skriv et punkt',
      paragraphs: [
        `Tilføj en række i ${t(P)} med mødets ${h(P, 'meetingId')} og et ${h(P, 'number')}. Udfyld ${h(P, 'title')} og ${h(P, 'caseNumber')} (fx ${col(P, 'caseNumber').example}).`,
        `${h(P, 'occasion')}: ${col(P, 'occasion').note}`,
        `${h(P, 'recommendation')}: ${col(P, 'recommendation').note} ${h(P, 'recommender')}: ${col(P, 'recommender').note}`,
      ],
    },
    {
      heading: 'Luk et punkt',
      paragraphs: [`Skriv Ja i ${h(P, 'closed')}. ${closed.note} Kan cellen ikke læses sikkert, regnes punktet som lukket, indtil den er rettet.`],
    },
    {
      heading: 'Tilføj et bilag',
      paragraphs: [`${h(P, 'attachments')}: ${col(P, 'attachments').note} Fx: ${col(P, 'attachments').example}`],
    },
    {
      heading: 'Læs «Næste» og «Validering»',
      paragraphs: [
        `${h(M, 'next')} i ${t(M)}: ${col(M, 'next').note.replace(/^Skrives af systemet: /, '')}`,
        `${T(PROBLEMS_TAB)}: ${PROBLEMS_TAB.note} ${h(PROBLEMS_TAB, 'cell')} peger på cellen med fejlen, og ${h(PROBLEMS_TAB, 'message')} siger, hvad du skal gøre. Ret cellen; ved næste kørsel forsvinder linjen.`,
      ],
    },
    {
      heading: 'Se og fjern abonnenter',
      paragraphs: [
        `${T(SUBSCRIBERS_TAB)}: ${SUBSCRIBERS_TAB.note} En borger kommer først med, når hun har bekræftet via linket i sin e-mail; før det er ${h(SUBSCRIBERS_TAB, 'confirmedAt')} tom, og der sendes intet. Er en række rettet, bruges den ikke, og ${t(PROBLEMS_TAB)} siger hvorfor.`,
      ],
    },
    {
      heading: 'Aflys eller flyt et møde',
      paragraphs: [
        `Aflys: sæt ${h(M, 'status')} til ${status('Aflyst')}. De, der har fået indkaldelsen, får besked, og mødet fjernes fra deres kalender. Sætter du mødet tilbage til ${status('Dagsorden klar')}, får de besked om, at mødet holdes alligevel.`,
        `Flyt: ret ${h(M, 'date')}, ${h(M, 'start')} eller ${h(M, 'place')} i mødets række. De, der har fået indkaldelsen, får den nye tid eller det nye sted i kalenderen.`,
      ],
    },
    {
      heading: 'Hvem får hvad',
      paragraphs: [
        `${T(MEMBERS_TAB)}: ${MEMBERS_TAB.note} ${h(MEMBERS_TAB, 'email')}: ${col(MEMBERS_TAB, 'email').note} ${h(MEMBERS_TAB, 'fora')}: ${col(MEMBERS_TAB, 'fora').note}`,
        `${h(MEMBERS_TAB, 'seesClosed')}: ${col(MEMBERS_TAB, 'seesClosed').note} De øvrige får den offentlige udgave uden lukkede punkter. ${h(MEMBERS_TAB, 'active')}: ${col(MEMBERS_TAB, 'active').note}`,
      ],
    },
  ];
}

/** The tab's cells, row by row: the header row, then one row per paragraph, the topic on its first. */
export function guideRows(): string[][] {
  const rows: string[][] = [[...GUIDE_HEADERS]];
  for (const s of guideSections()) s.paragraphs.forEach((p, i) => rows.push([i === 0 ? s.heading : '', p]));
  return rows;
}

/** docs/vejledning.md: the same text (`npm run docs` writes it; a test holds the file to it). */
export function guideMarkdown(): string {
  const out = ['<!-- Genereret fra sheets-schema/guide.ts af `npm run docs`. Ret ikke her. -->', '', '# Vejledning til sekretariatet', ''];
  for (const s of guideSections()) out.push(`## ${s.heading}`, '', ...s.paragraphs.flatMap((p) => [p, '']));
  return out.join('\n');
}
