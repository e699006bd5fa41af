// The workbook's tabs and columns, declared once: validation, `init-sheet`, the example builder,
// the README's column reference and the typed rows of the model (`RowOf`) are all derived from this file.

import type { Root } from 'mdast';

/** A rich-text cell: the text as typed and its Markdown syntax tree. */
export interface RichText {
  readonly source: string;
  readonly tree: Root;
}

/** `HH:mm`, 24-hour. */
export type ClockTime = string;
/** `yyyy-MM-dd`. */
export type IsoDate = string;

export interface TimeSlot {
  readonly start: ClockTime;
  readonly end: ClockTime;
  /** As printed in the documents: `9.00-9.20`. */
  readonly label: string;
}

export interface Attachment {
  readonly title: string;
  /** An address the attachment is kept at as a link (https://, http://, mailto:). */
  readonly url?: string;
  /**
   * A file beside the workbook (embedded default): its path relative to the workbook's folder, as
   * `/`-separated segments none of which is `.` or `..` (the parser refuses those).
   */
  readonly path?: string;
  /**
   * A file in Google Drive (its link, or a file smart chip, in a Google Sheet): the file's id. `url`
   * keeps the link as written; on the embedded default it stays a plain link.
   */
  readonly drive?: string;
  /** What was read of the file the reference names; set by the attachment step, never by the parser. */
  readonly file?: AttachmentFile;
}

/** A bilag's file as read: what the documents, copies and content hash work from. */
export interface AttachmentFile {
  /** The file's own name (`kort.pdf`). */
  readonly name: string;
  /** `application/pdf`, `application/vnd.openxmlformats-officedocument.wordprocessingml.document`, ... */
  readonly mediaType: string;
  /** Bytes. */
  readonly size: number;
  /**
   * sha256 of the bytes, hex: a changed file is a new version of the agenda. For a Google Docs,
   * Sheets or Slides file (exported anew each time, never twice the same bytes) a sha256 of its id
   * and the time it was last changed.
   */
  readonly sha256: string;
  /**
   * Where each edition's copy of the file is, when it is not beside the document (Google Drive: the
   * copy's own address). Set by the bilag step before the documents are made; never hashed.
   */
  readonly links?: Readonly<Partial<Record<'medlemmer' | 'offentlig', string>>>;
}

/** How a cell's value is read, and what it is read as: the model's field types come from here. */
export interface KindValues {
  readonly text: string;
  /** Markdown, parsed into a syntax tree. */
  readonly richtext: RichText;
  readonly date: IsoDate;
  readonly time: ClockTime;
  /** Local wall-clock `yyyy-MM-ddTHH:mm` in the workbook's time zone. */
  readonly datetime: string;
  readonly integer: number;
  readonly boolean: boolean;
  /** One of the column's `choices` (`ValueOf` narrows it to the column's own list). */
  readonly choice: string;
  readonly email: string;
  /** KLE journal number. */
  readonly caseNumber: string;
  /** `9.00-9.20`. */
  readonly timeSlot: TimeSlot;
  /** Indstilling: lines `1. at ...`, read as the `at ...` points without their numbers. */
  readonly recommendation: readonly string[];
  /** Bilag: `Titel`, `Titel | https://...` (a Drive file's link or smart chip in a Google Sheet) or `Titel | bilag/kort.pdf` (a file beside the workbook) per line. */
  readonly attachments: readonly Attachment[];
  /** Comma-separated. */
  readonly list: readonly string[];
  readonly link: string;
}

export type ColumnKind = keyof KindValues;

export interface ColumnSpec {
  /** Header text exactly as the secretary sees it. */
  readonly header: string;
  /** Property name in the typed model. */
  readonly key: string;
  readonly kind: ColumnKind;
  readonly required?: boolean;
  readonly choices?: readonly string[];
  /** Value used when the cell is empty (as the secretary would type it); with one, the row always has the field. */
  readonly default?: string;
  /** Written by the script, never by the secretary. */
  readonly scriptOwned?: boolean;
  /** Short Danish explanation: shown as a header note in the Sheet and in the README. */
  readonly note: string;
  /** An example value, used in messages ("fx ..."). */
  readonly example?: string;
  /**
   * The column decides who sees or receives what. It must stand under its exact header (missing or
   * renamed holds back everything), and a cell that cannot be read for certain is a problem that
   * resolves to `safeValue` until it is fixed.
   */
  readonly confidentiality?: true;
  /** For a confidentiality column: what an unreadable cell counts as (the side that shows nothing). */
  readonly safeValue?: string;
  /** Danish: what the safe value means for the secretary, appended to the cell's message. */
  readonly safeNote?: string;
  /** Yes in this column makes the row's content confidential: problems in the row do not quote it. */
  readonly hidesRow?: true;
  /** One line only: the value reaches a MIME header, a calendar line or a file name. */
  readonly singleLine?: true;
  /** An id that becomes part of file names and calendar UIDs: only the characters of SAFE_ID. */
  readonly safeId?: true;
}

export interface TabSpec {
  readonly name: string;
  readonly key: 'meetings' | 'items' | 'members' | 'settings' | 'log' | 'problems' | 'subscribers';
  readonly note: string;
  readonly columns: readonly ColumnSpec[];
  /** The whole tab is written by the script. */
  readonly scriptOwned?: boolean;
  /** The tab may be absent (the script creates it when it first writes). */
  readonly optional?: boolean;
}

/** A column, its literal key, kind and flags kept for `RowOf`. */
function column<const C extends ColumnSpec>(spec: C): ColumnSpec & C {
  return spec;
}

/** A tab, its columns kept as a tuple for `RowOf`. */
function tab<const T extends TabSpec>(spec: T): TabSpec & T {
  return spec;
}

export const MEETING_STATUSES = ['Planlagt', 'Dagsorden klar', 'Afholdt', 'Referat klar', 'Aflyst'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export const MEETINGS_TAB = tab({
  name: 'Møder',
  key: 'meetings',
  note: 'Én række pr. møde.',
  columns: [
    column({ header: 'Møde-id', key: 'id', kind: 'text', required: true, example: 'CF-2022-03-24', note: 'Entydigt id for mødet, fx CF-2022-03-24. Bruges af Punkter til at pege på mødet.', confidentiality: true, singleLine: true, safeId: true }),
    column({ header: 'Forum', key: 'forum', kind: 'text', required: true, example: 'Chefforum', note: 'Forummets navn, fx Chefforum. Står i titlen og vælger modtagerne.', confidentiality: true, singleLine: true }),
    column({ header: 'Dato', key: 'date', kind: 'date', required: true, example: '24-03-2022', note: 'Mødets dato, fx 24-03-2022.' }),
    column({ header: 'Start', key: 'start', kind: 'time', required: true, example: '09:00', note: 'Starttidspunkt, fx 09:00.' }),
    column({ header: 'Slut', key: 'end', kind: 'time', example: '12:00', note: 'Sluttidspunkt (valgfrit), efter Start.' }),
    column({ header: 'Mødested', key: 'place', kind: 'text', required: true, example: 'Mødelokale 1', note: 'Hvor mødet holdes, fx Mødelokale 1 eller Teams.', singleLine: true }),
    column({ header: 'Status', key: 'status', kind: 'choice', required: true, choices: MEETING_STATUSES, example: 'Dagsorden klar', note: 'Planlagt, Dagsorden klar (dagsordenen må udsendes), Afholdt, Referat klar (referatet må udsendes) eller Aflyst.' }),
    column({ header: 'Udsend dagsorden', key: 'sendAgendaAt', kind: 'datetime', example: '17-03-2022 12:00', note: 'Tidligste tidspunkt dagsordenen må udsendes (valgfrit; ellers efter Indstillinger).' }),
    column({ header: 'Bemærkning', key: 'remark', kind: 'text', note: 'Fri bemærkning til sekretariatet. Offentliggøres aldrig.' }),
    column({ header: 'Dagsorden', key: 'agendaLink', kind: 'link', scriptOwned: true, note: 'Skrives af systemet: link til den udsendte dagsorden.' }),
    column({ header: 'Referat', key: 'minutesLink', kind: 'link', scriptOwned: true, note: 'Skrives af systemet: link til det udsendte referat.' }),
    column({ header: 'Senest udsendt', key: 'lastSent', kind: 'text', scriptOwned: true, note: 'Skrives af systemet: hvornår og hvad der senest blev udsendt.' }),
    column({
      header: 'Forhåndsvisning',
      key: 'preview',
      kind: 'link',
      scriptOwned: true,
      note: 'Skrives af systemet: link til kladden (begge udgaver, mærket KLADDE – ikke udsendt), før dagsordenen eller referatet udsendes. Kun sekretariatet kan åbne den.',
    }),
    column({ header: 'Næste', key: 'next', kind: 'text', scriptOwned: true, note: 'Skrives af systemet: hvad der sker næste gang med mødet, og hvornår, eller hvad der holder det tilbage.' }),
    column({ header: 'Hjemmeside', key: 'sitePage', kind: 'link', scriptOwned: true, note: 'Skrives af systemet: mødets offentlige side på hjemmesiden.' }),
  ],
});

export const ITEMS_TAB = tab({
  name: 'Punkter',
  key: 'items',
  note: 'Én række pr. dagsordenspunkt.',
  columns: [
    column({ header: 'Møde-id', key: 'meetingId', kind: 'text', required: true, example: 'CF-2022-03-24', note: 'Møde-id fra fanen Møder.', confidentiality: true, singleLine: true, safeId: true }),
    column({ header: 'Nr', key: 'number', kind: 'integer', required: true, example: '1', note: 'Punktets nummer på dagsordenen (1, 2, 3 ...), entydigt inden for mødet.' }),
    column({ header: 'Præfiks', key: 'prefix', kind: 'text', default: 'CF', example: 'CF', note: 'Står foran titlen, fx CF eller DIF/CF. Tom: CF.', singleLine: true }),
    column({ header: 'Titel', key: 'title', kind: 'text', required: true, example: 'Budgetproces 2023', note: 'Punktets titel.', singleLine: true }),
    column({ header: 'Tidsrum', key: 'timeSlot', kind: 'timeSlot', example: '9.00-9.20', note: 'Valgfrit tidsrum, fx 9.00-9.20. Skal ligge inden for mødet og ikke overlappe andre punkter.' }),
    column({ header: 'Sagsnr.', key: 'caseNumber', kind: 'caseNumber', required: true, example: '00.01.00-A21-2-21', note: 'KLE-journalnummer, fx 00.01.00-A21-2-21.' }),
    column({ header: 'Lukket', key: 'closed', kind: 'boolean', default: 'Nej', note: 'Ja: lukket punkt. Indholdet ses kun af medlemmer, der må se lukkede punkter.', confidentiality: true, hidesRow: true, safeValue: 'Ja', safeNote: 'Indtil da regnes punktet som lukket.' }),
    column({ header: 'Indstilling først', key: 'recommendationFirst', kind: 'boolean', default: 'Nej', note: 'Ja: Indstilling vises før Sagsfremstilling.' }),
    column({ header: 'Anledning', key: 'occasion', kind: 'richtext', note: 'Baggrunden for punktet. Markdown: tom linje mellem afsnit, - punktopstilling, 1. nummerering, **fed**, ### underoverskrift, tabeller med |.' }),
    column({ header: 'Sagsfremstilling', key: 'presentation', kind: 'richtext', note: 'Selve sagen. Samme formatering som Anledning.' }),
    column({ header: 'Supplerende sagsfremstilling', key: 'supplement', kind: 'richtext', note: 'Supplerende oplysninger (valgfrit).' }),
    column({ header: 'Indstiller', key: 'recommender', kind: 'text', example: 'Kommunaldirektøren', note: 'Hvem der indstiller, fx Kommunaldirektøren. Skal udfyldes, når Indstilling er udfyldt.', singleLine: true }),
    column({ header: 'Indstilling', key: 'recommendation', kind: 'recommendation', default: '', example: '1. at punktet drøftes.', note: 'Én linje pr. punkt: 1. at ... (numrene er valgfrie).' }),
    column({ header: 'Historik', key: 'history', kind: 'richtext', note: 'Tidligere behandling, fx i et andet forum.' }),
    column({ header: 'Beslutning', key: 'decision', kind: 'richtext', note: 'Beslutningen. Vises kun i referatet. Skal udfyldes på alle åbne punkter, før mødet sættes til Referat klar.' }),
    column({ header: 'Bilag', key: 'attachments', kind: 'attachments', default: '', example: 'Økonomirapport | https://example.org/oer1.pdf', note: 'Ét bilag pr. linje: Titel, Titel | https://link eller en fil. I et Google Sheet: Titel | linket til filen i Google Drive, eller Titel | @ (en fil-chip: skriv @ og vælg filen); filen skal kunne åbnes af den konto, dagsorden kører som. I et regneark på computeren: Titel | bilag/fil.pdf (en fil i mappen ved siden af regnearket). PDF, Word, PowerPoint, Excel eller Google Docs, Sheets og Slides, højst 50 MB. Filen kopieres med dagsordenen; din egen fil og dens deling røres ikke. Et bilag til et lukket punkt kommer kun i medlemsudgaven.' }),
  ],
});

export const MEMBERS_TAB = tab({
  name: 'Medlemmer',
  key: 'members',
  note: 'Hvem modtager hvad.',
  columns: [
    column({ header: 'Navn', key: 'name', kind: 'text', required: true, example: 'Anne Jensen', note: 'Medlemmets navn.', singleLine: true }),
    column({ header: 'Titel', key: 'title', kind: 'text', example: 'Chef for Økonomi & Stab', note: 'Stillingsbetegnelse (valgfri).', singleLine: true }),
    column({ header: 'E-mail', key: 'email', kind: 'email', required: true, example: 'anne.jensen@example.org', note: 'E-mailadresse; dagsorden og referat sendes hertil.', confidentiality: true, singleLine: true }),
    column({ header: 'Fora', key: 'fora', kind: 'list', default: 'Chefforum', example: 'Chefforum, DIF', note: 'De fora medlemmet deltager i, adskilt af komma. Tom: Chefforum.', confidentiality: true }),
    column({ header: 'Ser lukkede punkter', key: 'seesClosed', kind: 'boolean', default: 'Nej', note: 'Ja: modtager medlemsudgaven med lukkede punkter.', confidentiality: true, safeValue: 'Nej', safeNote: 'Indtil da ser medlemmet ikke lukkede punkter.' }),
    column({ header: 'Aktiv', key: 'active', kind: 'boolean', default: 'Ja', note: 'Nej: modtager intet. Tom: Ja.', confidentiality: true, safeValue: 'Nej', safeNote: 'Indtil da modtager medlemmet intet.' }),
  ],
});

export const SETTINGS_TAB = tab({
  name: 'Indstillinger',
  key: 'settings',
  note: 'Nøgle/værdi-par for opsætningen.',
  columns: [
    column({ header: 'Nøgle', key: 'key', kind: 'text', required: true, note: 'Indstillingens navn (se listen i README).' }),
    column({ header: 'Værdi', key: 'value', kind: 'text', note: 'Indstillingens værdi.' }),
  ],
});

export const LOG_TAB = tab({
  name: 'Udsendelser',
  key: 'log',
  scriptOwned: true,
  optional: true,
  note: 'Systemets log over udgivne dokumenter og sendte e-mails. Rediger ikke.',
  columns: [
    column({ header: 'Tidspunkt', key: 'at', kind: 'text', scriptOwned: true, note: 'Hvornår (ISO 8601).' }),
    column({ header: 'Møde-id', key: 'meetingId', kind: 'text', scriptOwned: true, note: 'Mødet.' }),
    column({ header: 'Handling', key: 'action', kind: 'text', scriptOwned: true, note: 'upload, send, lease, notify, kladde, skyldig (hvem referatet skal til, fastlagt én gang), abonnement eller sendeloft (den daglige grænse for afsendte e-mails blev nået).' }),
    column({ header: 'Dokument', key: 'document', kind: 'text', scriptOwned: true, note: 'Dagsorden eller Referat.' }),
    column({ header: 'Udgave', key: 'edition', kind: 'text', scriptOwned: true, note: 'medlemmer eller offentlig.' }),
    column({ header: 'Format', key: 'format', kind: 'text', scriptOwned: true, note: 'pdf eller docx.' }),
    column({ header: 'Version', key: 'version', kind: 'text', scriptOwned: true, note: 'Versionsnummer.' }),
    column({ header: 'Indholdshash', key: 'hash', kind: 'text', scriptOwned: true, note: 'Hash af indholdet.' }),
    column({ header: 'Fil-id', key: 'fileId', kind: 'text', scriptOwned: true, note: 'Drive-filens id.' }),
    column({ header: 'Link', key: 'link', kind: 'text', scriptOwned: true, note: 'Link til filen.' }),
    column({ header: 'Modtager', key: 'recipient', kind: 'text', scriptOwned: true, note: 'Modtagerens e-mail.' }),
    column({ header: 'Besked-id', key: 'messageId', kind: 'text', scriptOwned: true, note: 'E-mailens Message-ID.' }),
    column({ header: 'Status', key: 'status', kind: 'text', scriptOwned: true, note: 'påbegyndt, udført, fejlet, ikke sendt eller fjernet.' }),
    column({ header: 'Detaljer', key: 'detail', kind: 'text', scriptOwned: true, note: 'Fejlbesked eller andet.' }),
    column({ header: 'Kalender', key: 'calendar', kind: 'text', scriptOwned: true, note: 'REQUEST eller CANCEL: hvad e-mailen gjorde ved modtagerens kalender.' }),
    column({ header: 'Sekvens', key: 'sequence', kind: 'text', scriptOwned: true, note: 'Kalenderens SEQUENCE for mødet.' }),
    column({ header: 'Tidsplan', key: 'schedule', kind: 'text', scriptOwned: true, note: 'Hash af mødets tid og sted, som kalenderen fik dem.' }),
    column({ header: 'Skabelon', key: 'template', kind: 'text', scriptOwned: true, note: 'Fingeraftryk af skabelonerne, dokumentet blev lavet med.' }),
    column({ header: 'Indholdsoversigt', key: 'contents', kind: 'text', scriptOwned: true, note: 'Punkternes numre og hashes (aldrig titler eller tekst), til listen over ændringer.' }),
    column({ header: 'Kladde-id', key: 'ticket', kind: 'text', scriptOwned: true, note: 'Gmail-kladdens id, før e-mailen sendes.' }),
    column({ header: 'Kørsel', key: 'run', kind: 'text', scriptOwned: true, note: 'Hvilken kørsel der holder låsen.' }),
    column({ header: 'Mappe', key: 'folder', kind: 'text', scriptOwned: true, note: 'Link til mappen med forhåndsvisningerne.' }),
    column({ header: 'Venter', key: 'waiting', kind: 'text', scriptOwned: true, note: 'Sendeloft: hvor mange e-mails der ventede, da den daglige grænse blev nået.' }),
    column({ header: 'Sendes igen fra', key: 'retryAt', kind: 'text', scriptOwned: true, note: 'Sendeloft: hvornår e-mailsystemet tager imod e-mails igen (ISO 8601).' }),
  ],
});

export const PROBLEMS_TAB = tab({
  name: 'Validering',
  key: 'problems',
  scriptOwned: true,
  optional: true,
  note: 'Systemets liste over fejl i arket. Skrives om ved hver kørsel.',
  columns: [
    column({ header: 'Fane', key: 'tab', kind: 'text', scriptOwned: true, note: 'Fanen med fejlen.' }),
    column({ header: 'Celle', key: 'cell', kind: 'text', scriptOwned: true, note: 'Cellen med fejlen (med link).' }),
    column({ header: 'Problem', key: 'message', kind: 'text', scriptOwned: true, note: 'Hvad der er galt, og hvad du skal gøre.' }),
  ],
});

/** The `Følger` column's values: what a citizen follows (the store's `forum` / `sag`). */
export const SUBSCRIBER_KINDS = { forum: 'Forum', sag: 'Sag' } as const;

// NOTE: the Google mode's subscription store (src/google/subscribers.ts): `dagsorden serve` writes
// the rows, the job reads them in its one read. The secretary sees who subscribes to what and may
// delete a row (the citizen is then unsubscribed); an edited row is reported and never used.
// The Nøgle column holds the token of the citizen's unsubscribe and manage links: the job writes it
// into every notice, and the Sheet is all the endpoint and the job share (no secret to lose). What
// the secretary reads there is a bare code, not a link, and the endpoint's pages only act on a
// button (a POST), so reading or clicking never unsubscribes or confirms anyone. A pending sign-up's
// confirmation code is NOT in the Sheet: only its hash (`bekræft:` + SHA-256), so no one with access to
// the Sheet can confirm a sign-up in the citizen's name; the code itself is only in her e-mail.
export const SUBSCRIBERS_TAB = tab({
  name: 'Abonnenter',
  key: 'subscribers',
  scriptOwned: true,
  optional: true,
  note: 'Borgere, der får en e-mail, når en dagsorden eller et referat udgives. Skrives af dagsorden. De nyeste tilmeldinger står øverst. Slet en række for at afmelde borgeren; ret ikke i rækkerne.',
  columns: [
    column({ header: 'E-mail', key: 'email', kind: 'text', scriptOwned: true, note: 'Borgerens e-mailadresse.' }),
    column({ header: 'Følger', key: 'kind', kind: 'text', scriptOwned: true, note: 'Forum (et forums dagsordener og referater) eller Sag (en sag på tværs af fora).' }),
    column({ header: 'Navn eller sagsnr.', key: 'target', kind: 'text', scriptOwned: true, note: 'Forummets navn eller sagens nummer (Sagsnr.).' }),
    column({ header: 'Tilmeldt', key: 'requestedAt', kind: 'text', scriptOwned: true, note: 'Hvornår bekræftelsen blev sendt (ISO 8601). En tilmelding, der ikke er bekræftet efter 7 dage, slettes.' }),
    column({ header: 'Bekræftet', key: 'confirmedAt', kind: 'text', scriptOwned: true, note: 'Hvornår borgeren bekræftede (ISO 8601). Tom: ikke bekræftet endnu; så sendes intet.' }),
    column({ header: 'Id', key: 'id', kind: 'text', scriptOwned: true, note: 'Tilfældigt id. Udsendelser nævner abonnenten ved det, aldrig ved adressen.' }),
    column({ header: 'Nøgle', key: 'token', kind: 'text', scriptOwned: true, note: 'Koden i borgerens afmeldingslink. Del den ikke. Før bekræftelsen står kun et fingeraftryk af bekræftelseskoden her.' }),
  ],
});

export const TABS: readonly TabSpec[] = [MEETINGS_TAB, ITEMS_TAB, MEMBERS_TAB, SETTINGS_TAB, LOG_TAB, PROBLEMS_TAB, SUBSCRIBERS_TAB];
/** The tabs the secretary fills in: all must exist. */
export const INPUT_TABS: readonly TabSpec[] = TABS.filter((t) => !t.optional);

/** What a column's cell is read as: its kind's value, or one of its own choices. */
export type ValueOf<C extends ColumnSpec> = C['kind'] extends 'choice' ? NonNullable<C['choices']>[number] : KindValues[C['kind']];

/** The columns the secretary fills in: the script's own are no part of an input row. */
type InputColumn<T extends TabSpec> = Exclude<T['columns'][number], { readonly scriptOwned: true }>;

/** A required cell, or one with a default, always has a value in a row that was read whole. */
type AlwaysThere<C extends ColumnSpec> = C extends { readonly required: true } | { readonly default: string } ? true : false;

type Flat<T> = { [K in keyof T]: T[K] } & {};

/** One row of a tab as validation reads it: a field per input column, keyed and typed by the schema. */
export type RowOf<T extends TabSpec> = Flat<
  { readonly [C in InputColumn<T> as AlwaysThere<C> extends true ? C['key'] : never]: ValueOf<C> } & {
    readonly [C in InputColumn<T> as AlwaysThere<C> extends true ? never : C['key']]?: ValueOf<C>;
  }
>;

/** How a setting's value (the Værdi cell, text) is read, and what it is read as: `Settings` comes from here. */
export interface SettingKindValues {
  readonly text: string;
  readonly integer: number;
  readonly time: ClockTime;
  readonly email: string;
  /** An IANA time zone that iCalendar can describe, e.g. Europe/Copenhagen. */
  readonly timeZone: string;
  /** `Navn <adresse>` or a bare address. */
  readonly sender: string;
  /** An absolute http(s) address, ending in `/`. */
  readonly siteAddress: string;
  /** A Cloud Storage bucket's name. */
  readonly bucket: string;
}
export type SettingKind = keyof SettingKindValues;

/** One key of Indstillinger. `default: null`: the deployment must supply it when it is used; `''`: none. */
export interface SettingSpec {
  readonly key: string;
  /** Property name in the typed model (`Settings`). */
  readonly property: string;
  readonly kind: SettingKind;
  readonly default: string | null;
  readonly note: string;
}

export const SETTINGS = [
  { key: 'Organisation', property: 'organisation', kind: 'text', default: 'Albertslund Kommune', note: 'Organisationens navn i dokumenter og e-mails.' },
  { key: 'Tidszone', property: 'timeZone', kind: 'timeZone', default: 'Europe/Copenhagen', note: 'Tidszone for møder og udsendelse.' },
  { key: 'Afsender', property: 'sender', kind: 'sender', default: null, note: 'Afsender af e-mails, fx Sekretariatet <chefforum@kommune.dk>.' },
  { key: 'Svar til', property: 'replyTo', kind: 'email', default: '', note: 'Svar-til-adresse (valgfri).' },
  { key: 'Dage før mødet', property: 'daysBefore', kind: 'integer', default: '7', note: 'Hvor mange dage før mødet dagsordenen udsendes, når Udsend dagsorden er tom.' },
  { key: 'Udsendelsestidspunkt', property: 'sendTime', kind: 'time', default: '12:00', note: 'Klokkeslæt for udsendelse af dagsordenen.' },
  { key: 'Drive-mappe medlemmer', property: 'driveFolderMembers', kind: 'text', default: '', note: 'Id på Drive-mappen til medlemsudgaven (tom: oprettes).' },
  { key: 'Drive-mappe offentlig', property: 'driveFolderPublic', kind: 'text', default: '', note: 'Id på Drive-mappen til den offentlige udgave (tom: oprettes).' },
  { key: 'Sekretær e-mail', property: 'secretaryEmail', kind: 'email', default: '', note: 'Sekretariatets e-mail: får besked om fejl i arket.' },
  { key: 'Hjemmeside-adresse', property: 'siteAddress', kind: 'siteAddress', default: '', note: 'Den offentlige hjemmesides adresse, fx https://dagsordener.albertslund.dk/ (tom: http://localhost:8080/, til dagsorden serve).' },
  { key: 'Hjemmeside-bucket', property: 'siteBucket', kind: 'bucket', default: '', note: 'Navnet på den Cloud Storage-bucket, hjemmesiden lægges i (tom: ingen; så skrives den til en lokal mappe).' },
] as const satisfies readonly SettingSpec[];

type Setting = (typeof SETTINGS)[number];
export type SettingKey = Setting['key'];

/**
 * The known settings as the model holds them: a setting with a default always has a value; one
 * without (or that must be supplied) may be absent.
 */
export type SettingsOf = {
  readonly [S in Setting as S['default'] extends '' | null ? never : S['property']]: SettingKindValues[S['kind']];
} & {
  readonly [S in Setting as S['default'] extends '' | null ? S['property'] : never]?: SettingKindValues[S['kind']];
};

/** Letters (æøå included), digits, `-`, `_`, `.`; no leading dot; at most 64 characters. */
export const SAFE_ID = /^[A-Za-z0-9ÆØÅæøå_-][A-Za-z0-9ÆØÅæøå_.-]{0,63}$/;

/** A1 notation, in one place: `0` → `A`, `26` → `AA`. */
export function columnLetter(index0: number): string {
  let n = index0 + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** `AA` → 26 (zero-based). */
export function columnIndex(letters: string): number {
  return [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
}

/** `F14` for zero-based row and column. */
export function cellA1(row0: number, col0: number): string {
  return `${columnLetter(col0)}${row0 + 1}`;
}

/** `F14` → zero-based row and column; undefined for anything else. */
export function parseA1(cell: string): { row: number; col: number } | undefined {
  const m = /^([A-Za-z]+)(\d+)$/.exec(cell);
  return m ? { row: Number(m[2]) - 1, col: columnIndex(m[1]!) } : undefined;
}
