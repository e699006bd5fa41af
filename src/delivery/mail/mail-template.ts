// Loads the invitation mail's Danish phrases and HTML/plain-text skeletons from templates/mail/, so a
// municipality changes the wording without touching code.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { zodMessage } from '../../documents/template.js';
import { UserError } from '../../errors.js';
import { TEMPLATES_DIR } from '../../package-paths.js';
import type { ChangePhrases } from '../../documents/changes.js';
import type { DocumentKind } from '../../documents/edition.js';

export const MAIL_TEMPLATE_DIR = join(TEMPLATES_DIR, 'mail');

/** The kinds of message, each with its own subject and opening sentence. */
export type MailVariant = DocumentKind | 'amended' | 'cancelled' | 'reinstated' | 'edition' | 'withdrawn';

export interface MailPhrases {
  readonly subject: Readonly<Record<MailVariant, string>>;
  readonly greeting: string;
  readonly intro: Readonly<Record<MailVariant, string>>;
  readonly labels: { readonly time: string; readonly place: string; readonly items: string; readonly changes: string; readonly documents: string };
  readonly meetingTime: string;
  readonly itemLine: string;
  readonly closedItemLine: string;
  readonly closedMark: string;
  readonly documentName: Readonly<Record<DocumentKind, string>>;
  readonly links: { readonly pdf: string; readonly docx: string };
  readonly attachmentNote: string;
  readonly publicEditionNote: string;
  readonly calendarNote: string;
  readonly cancelNote: string;
  readonly noChanges: string;
  readonly signoff: string;
  readonly footer: string;
  readonly calendarSummary: string;
  readonly changes: ChangePhrases;
  /** The bilag lines and the combined PDF; optional, so a phrases.json from before bilag were files still loads. */
  readonly bilag?: Partial<BilagPhrases>;
}

export interface BilagPhrases {
  /** One bilag: `{bilag}` its number, `{nr}` the item's, `{titel}`, `{format}` and `{størrelse}`. */
  readonly line: string;
  /** The combined PDF's line under Dokumenter: `{størrelse}`. */
  readonly combined: string;
  /** Said when the combined PDF is attached: `{filnavn}`. */
  readonly combinedAttached: string;
  /** Said when it is too large to attach: `{størrelse}`. */
  readonly combinedTooLarge: string;
}

/** The same sentences as templates/mail/phrases.json `bilag` (a test keeps the two equal). */
export const DANISH_BILAG_PHRASES: BilagPhrases = {
  line: 'Bilag {bilag} til punkt {nr}: {titel} ({format}, {størrelse})',
  combined: 'Dagsorden med alle bilag i én PDF ({størrelse})',
  combinedAttached: 'Du finder også dagsordenen med alle bilag samlet i én PDF i vedhæftningen ({filnavn}).',
  combinedTooLarge: 'Den samlede PDF med alle bilag fylder {størrelse} og er for stor til at blive vedhæftet; den ligger sammen med dagsordenen.',
};

const text = z.string();
const variants = z.object({ dagsorden: text, referat: text, amended: text, cancelled: text, reinstated: text, edition: text, withdrawn: text });
const changeKeys = ['added', 'addedClosed', 'removed', 'removedClosed', 'moved', 'retitled', 'text', 'timeSlot', 'timeSlotAdded', 'timeSlotRemoved', 'caseNumber', 'closed', 'opened', 'time', 'place'] as const;

/** templates/mail/phrases.json: every phrase the mails use (extra keys, such as `$comment`, are allowed). */
const mailPhrasesSchema: z.ZodType<MailPhrases> = z.object({
  subject: variants,
  greeting: text,
  intro: variants,
  labels: z.object({ time: text, place: text, items: text, changes: text, documents: text }),
  meetingTime: text,
  itemLine: text,
  closedItemLine: text,
  closedMark: text,
  documentName: z.object({ dagsorden: text, referat: text }),
  links: z.object({ pdf: text, docx: text }),
  attachmentNote: text,
  publicEditionNote: text,
  calendarNote: text,
  cancelNote: text,
  noChanges: text,
  signoff: text,
  footer: text,
  calendarSummary: text,
  changes: z.object({
    ...(Object.fromEntries(changeKeys.map((k) => [k, text])) as Record<(typeof changeKeys)[number], typeof text>),
    attachmentAdded: text.optional(),
    attachmentRemoved: text.optional(),
    attachmentChanged: text.optional(),
  }),
  bilag: z.object({ line: text.optional(), combined: text.optional(), combinedAttached: text.optional(), combinedTooLarge: text.optional() }).optional(),
});

export interface MailTemplate {
  readonly phrases: MailPhrases;
  /** HTML skeleton with `{{name}}` slots; the slots receive already escaped HTML. */
  readonly html: string;
  /** Plain-text skeleton with the same slots. */
  readonly text: string;
}

/** Reads templates/mail/ (or another folder with the same three files). */
export async function loadMailTemplate(dir: string = MAIL_TEMPLATE_DIR): Promise<MailTemplate> {
  const read = async (name: string): Promise<string> => {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch (e) {
      throw new UserError('config', `Mailskabelonen ${join(dir, name)} kunne ikke læses (${(e as Error).message}). Læg filen tilbage i ${dir}.`);
    }
  };
  const [phrasesJson, html, text] = await Promise.all([read('phrases.json'), read('invitation.html'), read('invitation.txt')]);
  let json: unknown;
  try {
    json = JSON.parse(phrasesJson);
  } catch (e) {
    throw new UserError('config', `${join(dir, 'phrases.json')} er ikke gyldig JSON (${(e as Error).message}). Ret filen, så den er gyldig JSON.`);
  }
  // NOTE: checked like the document phrases: a municipality's own file may lack a phrase this version needs.
  const parsed = mailPhrasesSchema.safeParse(json);
  if (!parsed.success) throw new UserError('config', zodMessage(join(dir, 'phrases.json'), parsed.error));
  return { phrases: parsed.data, html, text };
}

/**
 * Fills `{name}` placeholders in a phrase. Single pass: a value that itself contains `{...}` (a
 * title, say) is never substituted again.
 */
/** `{name}` placeholders, as in the document phrases. */
export { fill as fillPhrase } from '../../documents/template.js';

/** Fills `{{slot}}` in a skeleton, single pass; slots without a value become empty. */
export function fillSkeleton(skeleton: string, slots: Readonly<Record<string, string>>): string {
  return skeleton.replace(/\{\{(\w+)\}\}/g, (_whole, key: string) => slots[key] ?? '');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
