// The table of bad workbooks: each case changes the valid baseline in one place and names the exact
// cell and Danish message validation must give. Used by the validation and the publish tests, which
// read each case in memory; the few marked `throughXlsx` also go through a real .xlsx file.

import { ITEMS_TAB, MEETINGS_TAB, MEMBERS_TAB } from '../../sheets-schema/schema.js';
import type { ProblemScope, WorkbookModel } from '../../src/model.js';
import { wallClock } from '../../src/local/xlsx-write.js';
import type { TestWorkbook } from './workbook.js';

export interface Case {
  name: string;
  change: (wb: TestWorkbook) => void;
  expected: [location: string, message: string][];
  /** What each problem holds back, in the order of `expected` (checked when given). */
  scopes?: ProblemScope['kind'][];
  /** What the model makes of the unreadable value meanwhile (checked when given). */
  model?: (m: WorkbookModel) => unknown;
  /** The value `model` must give. */
  modelValue?: unknown;
  /**
   * Also written to a real .xlsx and read back: what a file does to a value (date and time cells,
   * merges, formulas with and without a value, error cells, line breaks) keeps the in-memory reading honest.
   */
  throughXlsx?: true;
}

export const item = (wb: TestWorkbook, n: number) => wb.items[n - 1]!;
const renameHeader = (headers: readonly { header: string }[], from: string, to: string | null): string[] =>
  headers.flatMap((c) => (c.header === from ? (to === null ? [] : [to]) : [c.header]));
const HOLDS_ALL = 'Kolonnen afgør, hvem der må se eller modtage hvad, så intet udgives eller sendes, før den er rettet.';
const MERGED = (master: string) => `Cellen er flettet sammen med ${master}, så dens værdi kan ikke læses sikkert. Ophæv fletningen, og skriv værdien i hver celle.`;
const NO_VALUE = 'Cellen har en formel uden gemt værdi, så dens værdi kan ikke læses sikkert. Skriv værdien direkte i cellen, eller åbn og gem filen i Excel eller LibreOffice, så værdien beregnes.';
const CLOSED = 'Indtil da regnes punktet som lukket.';
const ID_RULE = 'Brug kun bogstaver (også æøå), tal, bindestreg, understreg og punktum, og ikke punktum først, fx CF-2022-03-24.';
const LINK_RULE = 'vises som almindelig tekst, fordi kun links med https://, http:// eller mailto: bliver til links. Ret linket til en fuld adresse, fx https://example.org/bilag.pdf, eller fjern det.';
const NESTED = 'Teksten er indlejret mere end 20 niveauer dybt (citater med > eller punktopstillinger i hinanden). Gør opstillingen fladere, så den har højst 20 niveauer.';
const NO_MEMBERS = (forum: string, hint: string) =>
  `Forum "${forum}" har ingen aktive medlemmer i fanen Medlemmer, så ingen ville modtage mødets e-mails.${hint} Ret Forum, så det svarer til Fora hos medlemmerne, eller tilføj medlemmerne.`;
const UNKNOWN_MEETING = (id: string) => `Mødet "${id}" findes ikke i fanen Møder. Ret Møde-id, eller opret mødet i fanen Møder.`;
const closedOf = (n: number) => (m: WorkbookModel) => m.meetings[0]?.items.find((i) => i.number === n)?.closed;

/** Fail-closed cases (issue 9): who may see what, unreadable cells, safe values, bounded work. */
export const failClosedCases: Case[] = [
  {
    name: 'Lukket renamed to "Lukket punkt"',
    change: (wb) => (wb.headers = { Punkter: renameHeader(ITEMS_TAB.columns, 'Lukket', 'Lukket punkt') }),
    expected: [['Punkter!G1', `Overskriften "Lukket punkt" skal hedde "Lukket". Ret overskriften, så kolonnen kan læses. ${HOLDS_ALL}`]],
    scopes: ['workbook'],
  },
  {
    name: 'Lukket renamed to "Fortroligt"',
    change: (wb) => (wb.headers = { Punkter: renameHeader(ITEMS_TAB.columns, 'Lukket', 'Fortroligt') }),
    expected: [['Punkter!Q1', `Kolonnen "Lukket" mangler i fanen Punkter. ${HOLDS_ALL} Tilføj overskriften "Lukket" i første række, fx i Q1.`]],
    scopes: ['workbook'],
  },
  {
    name: 'Lukket column deleted',
    change: (wb) => (wb.headers = { Punkter: renameHeader(ITEMS_TAB.columns, 'Lukket', null) }),
    expected: [['Punkter!P1', `Kolonnen "Lukket" mangler i fanen Punkter. ${HOLDS_ALL} Tilføj overskriften "Lukket" i første række, fx i P1.`]],
    scopes: ['workbook'],
  },
  {
    name: 'Lukket given twice',
    change: (wb) => (wb.headers = { Punkter: [...ITEMS_TAB.columns.map((c) => c.header), 'Lukket'] }),
    expected: [['Punkter!Q1', 'Kolonnen "Lukket" står to gange i fanen Punkter (G1 og Q1). Slet eller omdøb den ene.']],
    scopes: ['workbook'],
  },
  {
    name: 'Aktiv renamed to "Aktiv medlem"',
    change: (wb) => (wb.headers = { Medlemmer: renameHeader(MEMBERS_TAB.columns, 'Aktiv', 'Aktiv medlem') }),
    expected: [['Medlemmer!F1', `Overskriften "Aktiv medlem" skal hedde "Aktiv". Ret overskriften, så kolonnen kan læses. ${HOLDS_ALL}`]],
    scopes: ['workbook'],
  },
  {
    name: 'Ser lukkede punkter renamed beyond recognition',
    change: (wb) => (wb.headers = { Medlemmer: renameHeader(MEMBERS_TAB.columns, 'Ser lukkede punkter', 'Må se fortroligt') }),
    expected: [['Medlemmer!G1', `Kolonnen "Ser lukkede punkter" mangler i fanen Medlemmer. ${HOLDS_ALL} Tilføj overskriften "Ser lukkede punkter" i første række, fx i G1.`]],
    scopes: ['workbook'],
  },
  {
    name: 'Fora column deleted',
    change: (wb) => (wb.headers = { Medlemmer: renameHeader(MEMBERS_TAB.columns, 'Fora', null) }),
    expected: [['Medlemmer!F1', `Kolonnen "Fora" mangler i fanen Medlemmer. ${HOLDS_ALL} Tilføj overskriften "Fora" i første række, fx i F1.`]],
    scopes: ['workbook'],
  },
  {
    name: 'E-mail header renamed to "Mail"',
    change: (wb) => (wb.headers = { Medlemmer: renameHeader(MEMBERS_TAB.columns, 'E-mail', 'Mail') }),
    expected: [['Medlemmer!C1', `Overskriften "Mail" skal hedde "E-mail". Ret overskriften, så kolonnen kan læses. ${HOLDS_ALL}`]],
    scopes: ['workbook'],
  },
  {
    name: 'Forum header renamed to "Forum/udvalg"',
    change: (wb) => (wb.headers = { Møder: renameHeader(MEETINGS_TAB.columns, 'Forum', 'Forum/udvalg') }),
    expected: [['Møder!B1', `Overskriften "Forum/udvalg" skal hedde "Forum". Ret overskriften, så kolonnen kan læses. ${HOLDS_ALL}`]],
    scopes: ['workbook'],
  },
  {
    name: 'Møde-id header in Punkter in lower case',
    change: (wb) => (wb.headers = { Punkter: renameHeader(ITEMS_TAB.columns, 'Møde-id', 'møde-id') }),
    expected: [['Punkter!A1', `Overskriften "møde-id" skal hedde "Møde-id". Ret overskriften, så kolonnen kan læses. ${HOLDS_ALL}`]],
    scopes: ['workbook'],
  },
  {
    name: 'Lukket merged over two closed items',
    change: (wb) => {
      item(wb, 1).Lukket = 'Ja';
      wb.merges = { Punkter: ['G2:G3'] };
    },
    expected: [['Punkter!G3', `${MERGED('G2')} ${CLOSED}`]],
    scopes: ['meeting'],
    model: closedOf(2),
    modelValue: true,
    throughXlsx: true,
  },
  {
    name: 'Lukket formula without a stored value',
    change: (wb) => (item(wb, 2).Lukket = { formula: 'IF(B3>1,"Ja","Nej")' }),
    expected: [['Punkter!G3', `${NO_VALUE} ${CLOSED}`]],
    scopes: ['meeting'],
    model: closedOf(2),
    modelValue: true,
    throughXlsx: true,
  },
  {
    name: 'Lukket formula with an error',
    change: (wb) => (item(wb, 2).Lukket = { formula: 'VLOOKUP(A3,X!A:B,2,0)', result: { error: '#REF!' } }),
    expected: [['Punkter!G3', `Cellen viser formelfejlen #REF!. Ret formlen, eller skriv værdien direkte i cellen. ${CLOSED}`]],
    scopes: ['meeting'],
    model: closedOf(2),
    modelValue: true,
  },
  {
    name: 'Ser lukkede punkter neither yes nor no',
    change: (wb) => (wb.members[0]!['Ser lukkede punkter'] = 'kun punkt 3'),
    expected: [['Medlemmer!E2', '"kun punkt 3" er hverken ja eller nej. Skriv Ja eller Nej (eller sæt et flueben). Indtil da ser medlemmet ikke lukkede punkter.']],
    scopes: ['members'],
    model: (m) => m.members.find((x) => x.row === 2)?.seesClosed,
    modelValue: false,
  },
  {
    name: 'Aktiv formula without a stored value',
    change: (wb) => (wb.members[1]!.Aktiv = { formula: 'IF(TODAY()>DATE(2022,1,1),"Nej","Ja")' }),
    expected: [['Medlemmer!F3', `${NO_VALUE} Indtil da modtager medlemmet intet.`]],
    scopes: ['members'],
    model: (m) => m.members.find((x) => x.row === 3)?.active,
    modelValue: false,
  },
  {
    name: 'Aktiv merged with the member above',
    change: (wb) => (wb.merges = { Medlemmer: ['F2:F3'] }),
    expected: [['Medlemmer!F3', `${MERGED('F2')} Indtil da modtager medlemmet intet.`]],
    scopes: ['members'],
    model: (m) => m.members.find((x) => x.row === 3)?.active,
    modelValue: false,
  },
  {
    name: 'item with a blank Møde-id',
    change: (wb) => delete item(wb, 2)['Møde-id'],
    expected: [['Punkter!A3', 'Møde-id skal udfyldes. Skriv fx CF-2022-03-24.']],
    scopes: ['unassigned'],
  },
  {
    name: 'item whose Møde-id is #REF!',
    change: (wb) => (item(wb, 2)['Møde-id'] = { error: '#REF!' }),
    expected: [['Punkter!A3', 'Cellen viser formelfejlen #REF!. Ret formlen, eller skriv værdien direkte i cellen.']],
    scopes: ['unassigned'],
  },
  {
    name: 'item Møde-ids merged',
    change: (wb) => (wb.merges = { Punkter: ['A2:A3'] }),
    expected: [['Punkter!A3', MERGED('A2')]],
    scopes: ['unassigned'],
  },
  {
    name: 'Møde-id that climbs out of the folder',
    change: (wb) => {
      meeting(wb)['Møde-id'] = '../../X';
      wb.items = [];
    },
    expected: [['Møder!A2', `Møde-id "../../X" kan ikke bruges. ${ID_RULE}`]],
  },
  {
    name: 'Møde-id with a leading dot',
    change: (wb) => {
      meeting(wb)['Møde-id'] = '.CF';
      wb.items.forEach((i) => (i['Møde-id'] = '.CF'));
    },
    expected: [
      ['Møder!A2', `Møde-id ".CF" kan ikke bruges. ${ID_RULE}`],
      ['Punkter!A2', `Møde-id ".CF" kan ikke bruges. ${ID_RULE}`],
      ['Punkter!A3', `Møde-id ".CF" kan ikke bruges. ${ID_RULE}`],
    ],
    scopes: ['meeting', 'unassigned', 'unassigned'],
  },
  {
    name: 'Møde-id of 300 characters',
    change: (wb) => {
      meeting(wb)['Møde-id'] = 'CF'.repeat(150);
      wb.items = [];
    },
    expected: [['Møder!A2', 'Møde-id er 300 tegn langt; højst 64 er tilladt. Brug et kort id, fx CF-2022-03-24.']],
  },
  {
    name: 'Møde-id with a line break that would inject a calendar line',
    change: (wb) => {
      meeting(wb)['Møde-id'] = 'CF-2022-03-24\nATTENDEE:mailto:x@example.com';
      wb.items = [];
    },
    expected: [['Møder!A2', 'Møde-id indeholder et linjeskift eller et andet styretegn. Skriv Møde-id på én linje uden linjeskift.']],
  },
  {
    name: 'Møde-ids that differ only by case',
    change: (wb) => wb.meetings.push({ ...meeting(wb), 'Møde-id': 'cf-2022-03-24', Status: 'Planlagt' }),
    expected: [['Møder!A3', 'Møde-id "cf-2022-03-24" står også i Møder!A2 (som "CF-2022-03-24"; store og små bogstaver, mellemrum og usynlige tegn tæller ikke). Giv hvert møde sit eget id.']],
  },
  {
    name: 'Mødested with a line break',
    change: (wb) => (meeting(wb).Mødested = 'Mødelokale 1\r\nBCC: alle@example.org'),
    expected: [['Møder!F2', 'Mødested indeholder et linjeskift eller et andet styretegn. Skriv Mødested på én linje uden linjeskift.']],
    throughXlsx: true,
  },
  {
    name: 'item title with a line break',
    change: (wb) => (item(wb, 2).Titel = 'Budgetproces\n2023'),
    expected: [['Punkter!D3', 'Titel indeholder et linjeskift eller et andet styretegn. Skriv Titel på én linje uden linjeskift.']],
  },
  {
    name: 'member name with a control character',
    change: (wb) => (wb.members[0]!.Navn = 'Anne\tJensen'),
    expected: [['Medlemmer!A2', 'Navn indeholder et linjeskift eller et andet styretegn. Skriv Navn på én linje uden linjeskift.']],
    scopes: ['members'],
  },
  {
    name: 'a javascript: link in Markdown',
    change: (wb) => (item(wb, 2).Sagsfremstilling = 'Se [planen](javascript:alert(1)) for detaljer.'),
    expected: [['Punkter!J3', `Linket "javascript:alert(1" ${LINK_RULE}`]],
  },
  {
    name: 'a relative link in Markdown',
    change: (wb) => (item(wb, 2).Anledning = 'Se [bilaget](bilag/plan.pdf).'),
    expected: [['Punkter!I3', `Linket "bilag/plan.pdf" ${LINK_RULE}`]],
  },
  {
    name: 'a file: autolink in Markdown',
    change: (wb) => (item(wb, 2).Historik = 'Drøftet tidligere, se <file:///etc/passwd>.'),
    expected: [['Punkter!N3', `Linket "file:///etc/passwd" ${LINK_RULE}`]],
  },
  {
    name: 'a data: image in Markdown',
    change: (wb) => (item(wb, 2).Sagsfremstilling = '![logo](data:image/svg+xml;base64,PHN2Zz4=)'),
    expected: [['Punkter!J3', `Linket "data:image/svg+xml;base64,PHN2Zz4=" ${LINK_RULE}`]],
  },
  {
    name: 'attachment with a javascript: link',
    change: (wb) => (item(wb, 2).Bilag = 'Plan | javascript:alert(1)'),
    expected: [['Punkter!P3', 'Bilaget "Plan | javascript:alert(1)" har et link, der ikke begynder med https://, http:// eller mailto:. Ret linket, så det begynder med https://, eller skriv stien til en fil i mappen ved siden af regnearket, fx bilag/kort.pdf. Eller fjern | og linket.']],
  },
  {
    name: 'a cell of 5,000 nested quotes',
    change: (wb) => (item(wb, 2).Sagsfremstilling = '> '.repeat(5000) + 'dybt'),
    expected: [['Punkter!J3', NESTED]],
  },
  {
    name: 'a cell of 3,000 nested list markers',
    change: (wb) => (item(wb, 2).Anledning = '- '.repeat(3000) + 'dybt'),
    expected: [['Punkter!I3', NESTED]],
  },
  {
    name: 'a list nested by indentation 30 levels deep',
    change: (wb) => (item(wb, 2).Anledning = Array.from({ length: 30 }, (_, i) => `${'  '.repeat(i)}- niveau ${i + 1}`).join('\n')),
    expected: [['Punkter!I3', NESTED]],
  },
  {
    name: 'emphasis nested 5,000 deep',
    change: (wb) => (item(wb, 2).Beslutning = '*a '.repeat(5000) + 'x' + ' a*'.repeat(5000)),
    expected: [['Punkter!O3', NESTED]],
  },
  {
    name: 'a closed item\'s problem names the cell and the rule, never its text',
    change: (wb) => {
      item(wb, 2).Lukket = 'Ja';
      item(wb, 2).Bilag = 'Forhandlingsoplæg "fortroligt" | file:///srv/hemmeligt.pdf';
      item(wb, 2)['Sagsnr.'] = 'Fyring af "X"';
    },
    expected: [
      ['Punkter!F3', '(indholdet vises ikke, fordi punktet er lukket) er ikke et gyldigt KLE-journalnummer. Skriv det som fx 00.01.00-A21-2-21.'],
      ['Punkter!P3', 'Bilaget (indholdet vises ikke, fordi punktet er lukket) har et link, der ikke begynder med https://, http:// eller mailto:. Ret linket, så det begynder med https://, eller skriv stien til en fil i mappen ved siden af regnearket, fx bilag/kort.pdf. Eller fjern | og linket.'],
    ],
  },
  {
    name: 'a perhaps-closed item (Lukket unreadable) is treated as closed in its messages',
    change: (wb) => {
      item(wb, 2).Lukket = { error: '#N/A' };
      item(wb, 2).Sagsfremstilling = 'Se [notatet](./notat.docx).';
    },
    expected: [
      ['Punkter!G3', `Cellen viser formelfejlen #N/A. Ret formlen, eller skriv værdien direkte i cellen. ${CLOSED}`],
      ['Punkter!J3', `Linket (indholdet vises ikke, fordi punktet er lukket) ${LINK_RULE}`],
    ],
  },
  {
    name: 'a misspelt forum',
    change: (wb) => (meeting(wb).Forum = 'Cheforum'),
    expected: [['Møder!B2', NO_MEMBERS('Cheforum', ' Mente du Chefforum?')]],
  },
  {
    name: 'an invisible character in Forum',
    change: (wb) => (meeting(wb).Forum = 'Chef\u200bforum'),
    expected: [['Møder!B2', NO_MEMBERS('Chef\u200bforum', ' Mente du Chefforum?')]],
  },
  {
    name: 'an invisible character in a member\'s Fora',
    change: (wb) => (wb.members[1]!.Fora = 'Chefforum\u00ad'),
    expected: [['Medlemmer!D3', 'Fora "Chefforum\u00ad" ligner Chefforum, men er ikke skrevet ens (mellemrum eller usynlige tegn), så medlemmet ville ikke modtage mødets e-mails. Skriv Chefforum.']],
    scopes: ['members'],
  },
  {
    name: 'every member of the forum inactive',
    change: (wb) => wb.members.forEach((m) => (m.Aktiv = 'Nej')),
    expected: [['Møder!B2', NO_MEMBERS('Chefforum', '')]],
  },
  {
    name: 'a misspelt settings key',
    change: (wb) => (wb.settings[1]!.Nøgle = 'Afsnder'),
    expected: [
      ['Indstillinger', 'Indstillingen "Afsender" mangler, så der kan ikke sendes e-mails. Tilføj en række med Nøgle Afsender og Værdi fx Sekretariatet <chefforum@kommune.dk>.'],
      ['Indstillinger!A3', 'Indstillingen "Afsnder" kendes ikke. Mente du Afsender? Ret nøglen til "Afsender".'],
    ],
    scopes: ['settings', 'settings'],
  },
  {
    name: 'Afsender missing',
    change: (wb) => wb.settings.splice(1, 1),
    expected: [['Indstillinger', 'Indstillingen "Afsender" mangler, så der kan ikke sendes e-mails. Tilføj en række med Nøgle Afsender og Værdi fx Sekretariatet <chefforum@kommune.dk>.']],
    scopes: ['settings'],
  },
  {
    name: 'Afsender left empty',
    change: (wb) => delete wb.settings[1]!.Værdi,
    expected: [['Indstillinger!B3', 'Afsender skal udfyldes, ellers kan der ikke sendes e-mails. Skriv fx Sekretariatet <chefforum@kommune.dk>.']],
  },
  {
    name: 'Afsender with a line break that would add a header',
    change: (wb) => (wb.settings[1]!.Værdi = 'Sekretariatet <chefforum@example.org>\nBcc: alle@example.org'),
    expected: [['Indstillinger!B3', 'Afsender: værdien indeholder et linjeskift eller et andet styretegn. Skriv værdien på én linje.']],
  },
  {
    name: 'e-mail addresses differing only by white space and case',
    change: (wb) => wb.members.push({ Navn: 'Anne J.', 'E-mail': '  ANNE.JENSEN@example.org ' }),
    expected: [['Medlemmer!C4', 'E-mailadressen ANNE.JENSEN@example.org står også i Medlemmer!C2. Hver adresse må kun stå én gang: slet den ene række, eller ret adressen.']],
  },
  {
    name: 'Start typed as a date and time cell',
    change: (wb) => (meeting(wb).Start = wallClock('2022-03-24', '09:00')),
    expected: [['Møder!D2', 'Cellen indeholder både dato og klokkeslæt (24-03-2022 09:00). Skriv kun klokkeslættet, fx 09:00.']],
    throughXlsx: true,
  },
  {
    name: 'Slut typed as date and time text',
    change: (wb) => (meeting(wb).Slut = '24-03-2022 12:00'),
    expected: [['Møder!E2', 'Cellen indeholder både dato og klokkeslæt (24-03-2022 12:00). Skriv kun klokkeslættet, fx 12:00.']],
  },
  {
    name: 'titles merged over two rows',
    change: (wb) => (wb.merges = { Punkter: ['D2:D3'] }),
    expected: [['Punkter!D3', MERGED('D2')]],
  },
];
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
    throughXlsx: true,
  },
  {
    name: 'duplicate meeting id',
    change: (wb) => wb.meetings.push({ ...meeting(wb), Dato: wallClock('2022-04-07') }),
    expected: [['Møder!A3', 'Møde-id "CF-2022-03-24" står også i Møder!A2. Giv hvert møde sit eget id.']],
  },
  {
    name: 'item pointing at a missing meeting',
    change: (wb) => (item(wb, 2)['Møde-id'] = 'CF-2022-03-25'),
    expected: [['Punkter!A3', UNKNOWN_MEETING('CF-2022-03-25')]],
    scopes: ['unassigned'],
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
    expected: [['Punkter!P3', 'Bilaget "Tidsplan | ftp://example.org/plan.pdf" har et link, der ikke begynder med https://, http:// eller mailto:. Ret linket, så det begynder med https://, eller skriv stien til en fil i mappen ved siden af regnearket, fx bilag/kort.pdf. Eller fjern | og linket.']],
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
    expected: [['Medlemmer!C4', 'E-mailadressen Anne.Jensen@example.org står også i Medlemmer!C2. Hver adresse må kun stå én gang: slet den ene række, eller ret adressen.']],
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
  ...failClosedCases,
];
