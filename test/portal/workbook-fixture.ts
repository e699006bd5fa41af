// A workbook for the portal tests: two fora, a case that runs across meetings and fora, and a closed
// item with a unique marker in every cell it has, so any leak into the site is found.

import { wallClock } from '../../src/local/xlsx-write.js';
import { time, type TestWorkbook } from '../helpers/workbook.js';

export { time };
export const wallClockDate = (iso: string): Date => wallClock(iso);

/** Lower-case letters only: survives Pagefind's lower-casing and the Danish stemmer unchanged. */
export const MARKER = 'qxzvlk';

/** The closed item's cells, each with its own numbered marker. */
export function closedItem(meetingId: string, nr: number): Record<string, string | number> {
  return {
    'Møde-id': meetingId,
    Nr: nr,
    Præfiks: `CF${MARKER}01`,
    Titel: `Personalesag ${MARKER}02`,
    'Sagsnr.': '81.00.00-G01-1-22',
    Lukket: 'Ja',
    Anledning: `Anledning ${MARKER}03 med **fed ${MARKER}04**`,
    Sagsfremstilling: `Sagsfremstilling ${MARKER}05\n\n- punkt ${MARKER}06\n\n| a | b |\n|---|---|\n| ${MARKER}07 | x |`,
    'Supplerende sagsfremstilling': `Supplerende ${MARKER}08`,
    Indstiller: `Direktør ${MARKER}09`,
    Indstilling: `1. at ${MARKER}10 godkendes.`,
    Historik: `Historik ${MARKER}11`,
    Beslutning: `Beslutning ${MARKER}12`,
    Bilag: `Bilag ${MARKER}13 | https://example.org/${MARKER}14.pdf`,
  };
}

export function portalWorkbook(): TestWorkbook {
  return {
    meetings: [
      { 'Møde-id': 'CF-2022-03-24', Forum: 'Chefforum', Dato: wallClock('2022-03-24'), Start: time('09:00'), Slut: time('12:00'), Mødested: 'Mødelokale 1', Status: 'Referat klar', Bemærkning: `Intern bemærkning ${MARKER}15` },
      { 'Møde-id': 'CF-2022-04-21', Forum: 'Chefforum', Dato: wallClock('2022-04-21'), Start: time('09:00'), Slut: time('11:00'), Mødested: 'Mødelokale 2', Status: 'Dagsorden klar', 'Udsend dagsorden': wallClock('2022-04-01', '12:00') },
      { 'Møde-id': 'DIF-2022-04-05', Forum: 'Direktionens Forum', Dato: wallClock('2022-04-05'), Start: time('13:00'), Mødested: 'Rådhuset', Status: 'Dagsorden klar', 'Udsend dagsorden': wallClock('2022-03-25', '12:00') },
      { 'Møde-id': 'CF-2022-06-01', Forum: 'Chefforum', Dato: wallClock('2022-06-01'), Start: time('09:00'), Mødested: 'Mødelokale 1', Status: 'Planlagt' },
    ],
    items: [
      { 'Møde-id': 'CF-2022-03-24', Nr: 1, Titel: 'Godkendelse af dagsorden', Tidsrum: '9.00-9.20', 'Sagsnr.': '00.01.00-A21-2-21', Indstiller: 'Kommunaldirektøren', Indstilling: '1. at dagsordenen godkendes.', Beslutning: 'Godkendt.' },
      {
        'Møde-id': 'CF-2022-03-24',
        Nr: 2,
        Titel: 'Budgetproces 2023',
        Tidsrum: '9.20-10.00',
        'Sagsnr.': '00.30.00-P00-5-21',
        Anledning: 'Chefforum drøfter budgetprocessen og **rammerne** for 2023.',
        Sagsfremstilling: 'Økonomien for kommunens cykelstier gennemgås.\n\n| Område | Beløb |\n|---|---|\n| Veje | 12 mio. |\n\n<script>alert(1)</script>',
        Beslutning: 'Chefforum tog orienteringen til efterretning.',
        Bilag: 'Budgetnotat | https://example.org/budget.pdf',
      },
      closedItem('CF-2022-03-24', 3),
      { 'Møde-id': 'CF-2022-04-21', Nr: 1, Titel: 'Budgetproces 2023, opfølgning', 'Sagsnr.': '00.30.00-P00-5-21', Anledning: 'Opfølgning på budgetprocessen.' },
      closedItem('CF-2022-04-21', 2),
      { 'Møde-id': 'DIF-2022-04-05', Nr: 1, Præfiks: 'DIF', Titel: 'Budgetproces 2023 i direktionen', 'Sagsnr.': '00.30.00-P00-5-21', Anledning: 'Direktionen behandler budgettet.' },
      { 'Møde-id': 'CF-2022-06-01', Nr: 1, Titel: 'Sommerplanlægning hemmelig endnu', 'Sagsnr.': '00.01.00-A21-9-22', Anledning: 'Ikke udsendt.' },
    ],
    members: [
      { Navn: 'Anne Jensen', 'E-mail': 'anne.jensen@example.org', Fora: 'Chefforum, Direktionens Forum', 'Ser lukkede punkter': 'Ja' },
      { Navn: 'Bo Ørsted', 'E-mail': 'bo.orsted@example.org', Fora: 'Chefforum, Direktionens Forum', 'Ser lukkede punkter': 'Nej' },
    ],
    settings: [
      { Nøgle: 'Organisation', Værdi: 'Albertslund Kommune' },
      { Nøgle: 'Afsender', Værdi: 'Sekretariatet <chefforum@example.org>' },
      { Nøgle: 'Hjemmeside-adresse', Værdi: 'https://dagsordener.example.org/politik/' },
    ],
  };
}
