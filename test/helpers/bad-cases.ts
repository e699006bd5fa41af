// The table of bad workbooks: each case changes the valid baseline in one place and names the exact
// cell and Danish message validation must give. Used by the validation and the publish tests.

import { ITEMS_TAB } from '../../sheets-schema/schema.js';
import { wallClock } from '../../src/workbook/xlsx-write.js';
import type { TestWorkbook } from './workbook.js';

export interface Case {
  name: string;
  change: (wb: TestWorkbook) => void;
  expected: [location: string, message: string][];
}

export const item = (wb: TestWorkbook, n: number) => wb.items[n - 1]!;
export const meeting = (wb: TestWorkbook) => wb.meetings[0]!;

export const cases: Case[] = [
  {
    name: 'missing case number',
    change: (wb) => delete item(wb, 1)['Sagsnr.'],
    expected: [['Punkter!F2', 'Sagsnr. skal udfyldes. Skriv fx 00.01.00-A21-2-21.']],
  },
  {
    name: 'malformed case number',
    change: (wb) => (item(wb, 2)['Sagsnr.'] = '00.01-A21'),
    expected: [['Punkter!F3', '"00.01-A21" er ikke et gyldigt KLE-journalnummer. Skriv det som fx 00.01.00-A21-2-21.']],
  },
  {
    name: 'a date that does not exist',
    change: (wb) => (meeting(wb).Dato = '31-02-2022'),
    expected: [['Møder!C2', 'Datoen 31-02-2022 findes ikke. Ret dag eller måned, fx 24-03-2022.']],
  },
  {
    name: 'text that is no date',
    change: (wb) => (meeting(wb).Dato = 'i morgen'),
    expected: [['Møder!C2', '"i morgen" er ikke en dato. Skriv datoen som dd-mm-åååå, fx 24-03-2022.']],
  },
  {
    name: 'missing date',
    change: (wb) => delete meeting(wb).Dato,
    expected: [['Møder!C2', 'Dato skal udfyldes. Skriv fx 24-03-2022.']],
  },
  {
    name: 'a time like 25:00',
    change: (wb) => (meeting(wb).Start = '25:00'),
    expected: [['Møder!D2', 'Klokkeslættet 25:00 findes ikke. Skriv et klokkeslæt mellem 00:00 og 23:59, fx 09:00.']],
  },
  {
    name: 'text that is no time',
    change: (wb) => (meeting(wb).Slut = 'middag'),
    expected: [['Møder!E2', '"middag" er ikke et klokkeslæt. Skriv klokkeslættet som tt:mm, fx 09:00.']],
  },
  {
    name: 'meeting ends before it starts',
    change: (wb) => {
      meeting(wb).Slut = '08:30';
      wb.items.forEach((i) => delete i.Tidsrum);
    },
    expected: [['Møder!E2', 'Slut (08:30) er ikke efter Start (09:00). Ret mødets sluttidspunkt.']],
  },
  {
    name: 'unknown status',
    change: (wb) => (meeting(wb).Status = 'Klar'),
    expected: [['Møder!G2', 'Status "Klar" kendes ikke. Vælg en af: Planlagt, Dagsorden klar, Afholdt, Referat klar, Aflyst.']],
  },
  {
    name: 'formula error #REF! in a title',
    change: (wb) => (item(wb, 2).Titel = { error: '#REF!' }),
    expected: [['Punkter!D3', 'Cellen viser formelfejlen #REF!. Ret formlen, eller skriv værdien direkte i cellen.']],
  },
  {
    name: 'formula error #N/A in a date',
    change: (wb) => (meeting(wb).Dato = { error: '#N/A' }),
    expected: [['Møder!C2', 'Cellen viser formelfejlen #N/A. Ret formlen, eller skriv værdien direkte i cellen.']],
  },
  {
    name: 'duplicate meeting id',
    change: (wb) => wb.meetings.push({ ...meeting(wb), Dato: wallClock('2022-04-07') }),
    expected: [['Møder!A3', 'Møde-id "CF-2022-03-24" står også i Møder!A2. Giv hvert møde sit eget id.']],
  },
  {
    name: 'item pointing at a missing meeting',
    change: (wb) => (item(wb, 2)['Møde-id'] = 'CF-2022-03-25'),
    expected: [['Punkter!A3', 'Mødet "CF-2022-03-25" findes ikke i fanen Møder. Ret Møde-id, eller opret mødet i fanen Møder.']],
  },
  {
    name: 'duplicate item number',
    change: (wb) => (item(wb, 2).Nr = 1),
    expected: [['Punkter!B3', 'Punkt nr. 1 findes allerede for mødet CF-2022-03-24 (Punkter!B2). Giv hvert punkt sit eget nummer.']],
  },
  {
    name: 'gap in item numbers',
    change: (wb) => (item(wb, 2).Nr = 3),
    expected: [['Punkter!B3', 'Punkterne for mødet CF-2022-03-24 er nummereret 1, 3. Nummerér dem 1, 2, 3 ... uden huller.']],
  },
  {
    name: 'item number that is not a whole number',
    change: (wb) => (item(wb, 2).Nr = 'to'),
    expected: [['Punkter!B3', '"to" er ikke et helt tal. Skriv et helt tal, fx 3.']],
  },
  {
    name: 'time slot outside the meeting',
    change: (wb) => (item(wb, 1).Tidsrum = '8.30-9.00'),
    expected: [['Punkter!E2', 'Tidsrummet 8.30-9.00 ligger uden for mødet (9.00-12.00). Ret tidsrummet eller mødets Start og Slut.']],
  },
  {
    name: 'overlapping time slots',
    change: (wb) => (item(wb, 2).Tidsrum = '9.10-9.40'),
    expected: [['Punkter!E3', 'Tidsrummet 9.10-9.40 overlapper punkt 1 (9.00-9.20). Ret tidsrummene, så punkterne følger efter hinanden.']],
  },
  {
    name: 'time slots not rising',
    change: (wb) => {
      item(wb, 1).Tidsrum = '10.00-10.30';
      item(wb, 2).Tidsrum = '9.00-9.30';
    },
    expected: [['Punkter!E3', 'Tidsrummet 9.00-9.30 begynder før punkt 1 (10.00-10.30). Ret tidsrummene, så punkterne følger efter hinanden.']],
  },
  {
    name: 'malformed time slot',
    change: (wb) => (item(wb, 2).Tidsrum = '9-10'),
    expected: [['Punkter!E3', '"9-10" er ikke et tidsrum. Skriv tidsrummet som fx 9.00-9.20.']],
  },
  {
    name: 'time slot ending before it starts',
    change: (wb) => (item(wb, 2).Tidsrum = '10.00-9.30'),
    expected: [['Punkter!E3', 'Tidsrummet 10.00-9.30 slutter, før det begynder. Skriv tidsrummet som fx 9.00-9.20.']],
  },
  {
    name: 'Indstiller without Indstilling',
    change: (wb) => delete item(wb, 1).Indstilling,
    expected: [['Punkter!M2', 'Indstilling mangler, men Indstiller er udfyldt. Skriv indstillingen (1. at ...), eller slet Indstiller.']],
  },
  {
    name: 'Indstilling without Indstiller',
    change: (wb) => delete item(wb, 1).Indstiller,
    expected: [['Punkter!L2', 'Indstiller mangler, men Indstilling er udfyldt. Skriv hvem der indstiller, fx Kommunaldirektøren.']],
  },
  {
    name: 'open items without decision on Referat klar',
    change: (wb) => {
      meeting(wb).Status = 'Referat klar';
      item(wb, 1).Beslutning = 'Godkendt.';
    },
    expected: [['Punkter!O3', 'Beslutning mangler, men mødet CF-2022-03-24 har status Referat klar. Skriv beslutningen, eller sæt mødets status tilbage til Afholdt.']],
  },
  {
    name: 'Lukket neither yes nor no',
    change: (wb) => (item(wb, 2).Lukket = 'måske'),
    expected: [['Punkter!G3', '"måske" er hverken ja eller nej. Skriv Ja eller Nej (eller sæt et flueben). Indtil da regnes punktet som lukket.']],
  },
  {
    name: 'attachment with a bad link',
    change: (wb) => (item(wb, 2).Bilag = 'Økonomirapport\nTidsplan | ftp://example.org/plan.pdf'),
    expected: [['Punkter!P3', 'Bilaget "Tidsplan | ftp://example.org/plan.pdf" har et link, der ikke begynder med https://, http:// eller mailto:. Ret linket, eller fjern | og linket.']],
  },
  {
    name: 'missing title',
    change: (wb) => (item(wb, 1).Titel = '   '),
    expected: [['Punkter!D2', 'Titel skal udfyldes. Skriv fx Budgetproces 2023.']],
  },
  {
    name: 'missing place',
    change: (wb) => delete meeting(wb).Mødested,
    expected: [['Møder!F2', 'Mødested skal udfyldes. Skriv fx Mødelokale 1.']],
  },
  {
    name: 'bad sending time',
    change: (wb) => (meeting(wb)['Udsend dagsorden'] = '17-03-2022 kl. 25.00'),
    expected: [['Møder!H2', 'Klokkeslættet 25.00 findes ikke. Skriv et klokkeslæt mellem 00:00 og 23:59, fx 09:00.']],
  },
  {
    name: 'agenda ready without items',
    change: (wb) => (wb.items = []),
    expected: [['Møder!G2', 'Mødet CF-2022-03-24 har status Dagsorden klar, men ingen punkter i fanen Punkter. Tilføj punkterne, eller sæt status til Planlagt.']],
  },
  {
    name: 'invalid e-mail address',
    change: (wb) => (wb.members[1]!['E-mail'] = 'bo.orsted@example'),
    expected: [['Medlemmer!C3', '"bo.orsted@example" er ikke en gyldig e-mailadresse. Ret adressen, fx anne.jensen@example.org.']],
  },
  {
    name: 'duplicate e-mail address, differing in case',
    change: (wb) => wb.members.push({ Navn: 'Anne J.', 'E-mail': 'Anne.Jensen@example.org' }),
    expected: [['Medlemmer!C4', 'E-mailadressen Anne.Jensen@example.org står også i Medlemmer!C2. Hver adresse må kun stå én gang.']],
  },
  {
    name: 'member without a name',
    change: (wb) => delete wb.members[0]!.Navn,
    expected: [['Medlemmer!A2', 'Navn skal udfyldes. Skriv fx Anne Jensen.']],
  },
  {
    name: 'unknown time zone',
    change: (wb) => wb.settings.push({ Nøgle: 'Tidszone', Værdi: 'Europe/Albertslund' }),
    expected: [['Indstillinger!B4', 'Tidszone: Tidszonen "Europe/Albertslund" kendes ikke. Skriv fx Europe/Copenhagen.']],
  },
  {
    name: 'a time zone calendar invitations cannot describe',
    change: (wb) => wb.settings.push({ Nøgle: 'Tidszone', Værdi: 'America/Nuuk' }),
    expected: [['Indstillinger!B4', 'Tidszone: Tidszonen "America/Nuuk" kan ikke bruges i kalenderinvitationer. Skriv en tidszone som Europe/Copenhagen.']],
  },
  {
    name: 'days before the meeting not a number',
    change: (wb) => wb.settings.push({ Nøgle: 'Dage før mødet', Værdi: 'syv' }),
    expected: [['Indstillinger!B4', 'Dage før mødet: "syv" er ikke et helt tal. Skriv et helt tal, fx 3.']],
  },
  {
    name: 'a setting given twice',
    change: (wb) => wb.settings.push({ Nøgle: 'Organisation', Værdi: 'Albertslund' }),
    expected: [['Indstillinger!A4', 'Indstillingen "Organisation" står flere gange. Slet den ene række.']],
  },
  {
    name: 'missing tab with a near-miss name',
    change: (wb) => (wb.tabNames = { Punkter: 'punkter ' }),
    expected: [['Punkter', 'Fanen "Punkter" mangler. Fandt fanen "punkter ": omdøb den til "Punkter".']],
  },
  {
    name: 'missing tab',
    change: (wb) => (wb.tabNames = { Medlemmer: null }),
    expected: [['Medlemmer', 'Fanen "Medlemmer" mangler. Opret fanen med overskrifterne Navn, Titel, E-mail, Fora, Ser lukkede punkter, Aktiv i første række.']],
  },
  {
    name: 'misspelt header',
    change: (wb) => {
      wb.headers = { Punkter: ITEMS_TAB.columns.map((c) => (c.header === 'Sagsnr.' ? 'Sagsnr' : c.header)) };
      for (const i of wb.items) i.Sagsnr = i['Sagsnr.'];
    },
    expected: [['Punkter!F1', 'Overskriften "Sagsnr" skal hedde "Sagsnr.". Ret overskriften, så kolonnen kan læses.']],
  },
  {
    name: 'required column missing',
    change: (wb) => (wb.headers = { Punkter: ITEMS_TAB.columns.map((c) => c.header).filter((h) => h !== 'Titel') }),
    expected: [['Punkter', 'Kolonnen "Titel" mangler i fanen Punkter. Tilføj den med overskriften "Titel" i første række.']],
  },
  {
    name: 'column given twice',
    change: (wb) => (wb.headers = { Punkter: [...ITEMS_TAB.columns.map((c) => c.header), 'Titel'] }),
    expected: [['Punkter!Q1', 'Kolonnen "Titel" står to gange i fanen Punkter (D1 og Q1). Slet eller omdøb den ene.']],
  },
];

