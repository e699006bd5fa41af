// The municipality's look and wording: templates/organisation.json and templates/phrases.da.json,
// read and checked here so a typo in them is a Danish message, not a broken document.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { TEMPLATES_DIR } from '../package-paths.js';

export const ORGANISATION_FILE = 'organisation.json';
export const PHRASES_FILE = 'phrases.da.json';

const colour = z.string().regex(/^[0-9A-Fa-f]{6}$/, { message: 'skal være en farve som 6 hex-cifre uden #, fx 1F3864' });

/** A phrase with `{placeholders}`: only the listed ones may be used. */
function pattern(...allowed: string[]) {
  return z.string().superRefine((s, ctx) => {
    for (const m of s.matchAll(/\{([^}]*)\}/g)) {
      if (!allowed.includes(m[1]!)) {
        ctx.addIssue({
          code: 'custom',
          message: `bruger {${m[1]}}, som ikke findes her; brug ${allowed.length ? allowed.map((a) => `{${a}}`).join(', ') : 'ingen pladsholdere'}`,
        });
      }
    }
  });
}

const organisationSchema = z.strictObject({
  $comment: z.string().optional(),
  organisation: z.string().min(1),
  font: z.string().min(1),
  fontSizePt: z.number().min(8).max(16),
  headingColour: colour,
  accentColour: colour,
  closedColour: colour,
  tableHeaderFill: colour,
  footerText: pattern('side', 'sider'),
  pageMarginsMm: z.strictObject({
    top: z.number().min(5).max(60),
    right: z.number().min(5).max(60),
    bottom: z.number().min(5).max(60),
    left: z.number().min(5).max(60),
  }),
  logo: z
    .strictObject({
      file: z.string().regex(/\.(png|jpe?g)$/i, { message: 'skal være en .png- eller .jpg-fil' }),
      heightMm: z.number().min(3).max(40),
      alt: z.string().min(1),
    })
    .optional(),
});

const byKind = z.strictObject({ dagsorden: z.string().min(1), referat: z.string().min(1) });

const phrasesSchema = z.strictObject({
  $comment: z.string().optional(),
  kindHeading: byKind,
  kindName: byKind,
  titleLine: pattern('dokument', 'forum', 'dato'),
  documentTitle: pattern('dokumentnavn', 'forum', 'dato'),
  documentSubject: pattern('dokumentnavn', 'forum', 'dato', 'mødedato'),
  editionName: z.strictObject({ medlemmer: z.string().min(1), offentlig: z.string().min(1) }),
  membersMarking: z.string().min(1),
  fileName: pattern('dokumentnavn', 'forum', 'isodato', 'udgave'),
  fileEdition: z.strictObject({ medlemmer: z.string().min(1), offentlig: z.string().min(1) }),
  meetingDate: z.string().min(1),
  meetingPlace: z.string().min(1),
  contents: z.string().min(1),
  itemHeading: pattern('nr', 'titel').refine((s) => /^[^{}]+\{nr\}/.test(s), { message: 'skal begynde med tekst efterfulgt af {nr}, fx "Punkt {nr}: {titel}"' }),
  itemTitle: pattern('præfiks', 'titel'),
  itemTitleWithTime: pattern('præfiks', 'titel', 'tidsrum'),
  closed: z.string().min(1),
  closedMarker: z.string().min(1),
  closedNotice: z.string().min(1),
  recommends: pattern('indstiller'),
  recommendsThat: pattern('indstiller'),
  sections: z.strictObject({
    occasion: z.string().min(1),
    presentation: z.string().min(1),
    supplement: z.string().min(1),
    recommendation: z.string().min(1),
    history: z.string().min(1),
    decision: z.string().min(1),
    attachments: z.string().min(1),
  }),
});

type OrganisationTemplate = z.infer<typeof organisationSchema>;
type Phrases = z.infer<typeof phrasesSchema>;

interface Logo {
  readonly data: Uint8Array;
  readonly type: 'png' | 'jpg';
  readonly widthPx: number;
  readonly heightPx: number;
  readonly heightMm: number;
  readonly alt: string;
}

export interface Template {
  readonly organisation: OrganisationTemplate;
  readonly phrases: Phrases;
  readonly logo?: Logo;
  /** sha256 of everything above: part of every document's content hash. */
  readonly fingerprint: string;
}

/** Fills `{name}` placeholders; the template loader has already checked the names. */
export function fill(phrase: string, values: Readonly<Record<string, string | number>>): string {
  return phrase.replace(/\{([^}]*)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** A zod error on a template file as the Danish message the user reads (also used for the mail templates). */
export function zodMessage(file: string, error: z.ZodError): string {
  const lines = error.issues.map((i) => {
    const where = i.path.length ? i.path.join('.') : '(hele filen)';
    const what = i.code === 'invalid_type' && i.input === undefined ? 'mangler' : i.code === 'unrecognized_keys' ? `har ukendte nøgler: ${i.keys.join(', ')}` : i.message;
    return `  ${where}: ${what}`;
  });
  return `Skabelonfilen ${file} er ikke i orden:\n${lines.join('\n')}\nRet filen (se de medfølgende filer i templates/ som forlæg) og prøv igen.`;
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UserError('config', `Skabelonfilen ${file} er ikke gyldig JSON (${(e as Error).message}). Ret filen og prøv igen.`);
  }
}

/** Pixel size of a PNG or JPEG, read from its header. */
export function imageSize(data: Uint8Array): { type: 'png' | 'jpg'; width: number; height: number } | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length >= 24 && view.getUint32(0) === 0x89504e47) return { type: 'png', width: view.getUint32(16), height: view.getUint32(20) };
  if (data.length >= 4 && view.getUint16(0) === 0xffd8) {
    let at = 2;
    while (at + 9 < data.length) {
      if (data[at] !== 0xff) return undefined;
      const marker = data[at + 1]!;
      const length = view.getUint16(at + 2);
      // NOTE: SOF0..SOF15 carry the size, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { type: 'jpg', height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
      }
      at += 2 + length;
    }
  }
  return undefined;
}

interface TemplateFiles {
  readonly dir: string;
  readonly organisationText: string;
  readonly phrasesText: string;
  readonly readLogo: (file: string) => Uint8Array;
}

function templateFrom({ dir, organisationText, phrasesText, readLogo }: TemplateFiles): Template {
  const orgFile = join(dir, ORGANISATION_FILE);
  const phrasesFile = join(dir, PHRASES_FILE);
  const org = organisationSchema.safeParse(parseJson(orgFile, organisationText));
  if (!org.success) throw new UserError('config', zodMessage(orgFile, org.error));
  const phrases = phrasesSchema.safeParse(parseJson(phrasesFile, phrasesText));
  if (!phrases.success) throw new UserError('config', zodMessage(phrasesFile, phrases.error));
  let logo: Logo | undefined;
  const hash = createHash('sha256').update(JSON.stringify(org.data)).update('\0').update(JSON.stringify(phrases.data));
  if (org.data.logo) {
    const logoFile = resolve(dir, org.data.logo.file);
    let data: Uint8Array;
    try {
      data = readLogo(logoFile);
    } catch {
      throw new UserError('config', `Logoet ${logoFile} (nævnt i ${orgFile}) findes ikke. Ret stien under "logo" eller fjern "logo".`);
    }
    const size = imageSize(data);
    if (!size || size.type !== (extname(logoFile).toLowerCase() === '.png' ? 'png' : 'jpg')) {
      throw new UserError('config', `Logoet ${logoFile} kunne ikke læses som ${extname(logoFile)}-billede. Gem det som PNG eller JPEG og prøv igen.`);
    }
    logo = { data, type: size.type, widthPx: size.width, heightPx: size.height, heightMm: org.data.logo.heightMm, alt: org.data.logo.alt };
    hash.update('\0').update(data);
  }
  return { organisation: org.data, phrases: phrases.data, ...(logo ? { logo } : {}), fingerprint: hash.digest('hex') };
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError('config', `Skabelonfilen ${file} kunne ikke læses (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Angiv en mappe med ${ORGANISATION_FILE} og ${PHRASES_FILE}.`);
  }
}

function readTextSync(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError('config', `Skabelonfilen ${file} kunne ikke læses (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}

/** The logo file named in organisation.json, if the file parses far enough to say. */
function logoFileOf(organisationText: string): string | undefined {
  try {
    const file = (JSON.parse(organisationText) as { logo?: { file?: unknown } } | null)?.logo?.file;
    return typeof file === 'string' ? file : undefined;
  } catch {
    return undefined; // templateFrom reports the broken JSON
  }
}

/** Reads and checks the templates in `dir` (default: the package's own templates/). */
export async function loadTemplate(dir: string = TEMPLATES_DIR): Promise<Template> {
  const [organisationText, phrasesText] = await Promise.all([readText(join(dir, ORGANISATION_FILE)), readText(join(dir, PHRASES_FILE))]);
  const logoFile = logoFileOf(organisationText);
  const logoBytes = logoFile === undefined ? undefined : await readFile(resolve(dir, logoFile)).catch(() => undefined);
  return templateFrom({
    dir,
    organisationText,
    phrasesText,
    readLogo: () => {
      if (!logoBytes) throw new Error('missing');
      return logoBytes;
    },
  });
}

let bundled: Template | undefined;

/**
 * The package's own templates, read once. NOTE: synchronous so that `contentHash` can default to it
 * without every caller loading templates first; a deployment with its own templates passes them in.
 */
export function bundledTemplateSync(): Template {
  bundled ??= templateFrom({
    dir: TEMPLATES_DIR,
    organisationText: readTextSync(join(TEMPLATES_DIR, ORGANISATION_FILE)),
    phrasesText: readTextSync(join(TEMPLATES_DIR, PHRASES_FILE)),
    readLogo: (f) => readFileSync(f),
  });
  return bundled;
}
