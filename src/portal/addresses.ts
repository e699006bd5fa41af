// Where each page of the public site lives. Addresses are derived only from ids that never change
// (Møde-id, the forum's name, Sagsnr.), never from titles or positions, so a published address stays.

const slugs = new Map<string, string>();

/** `Økonomi & Stab` → `oekonomi-stab`; Danish letters spelled out the way Danish web addresses do. */
export function slug(text: string): string {
  let s = slugs.get(text);
  if (s === undefined) slugs.set(text, (s = slugOf(text)));
  return s;
}

function slugOf(text: string): string {
  return text
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'oe')
    .replace(/å/g, 'aa')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .replace(/\.{2,}/g, '.') || 'x';
}

/** Site-relative paths (no leading `/`); a folder path ends in `/` and is served by its `index.html`. */
export const paths = {
  home: '',
  fora: 'fora/',
  forum: (forum: string) => `fora/${slug(forum)}/`,
  forumFeed: (forum: string) => `fora/${slug(forum)}/feed.atom`,
  forumCalendar: (forum: string) => `fora/${slug(forum)}/moeder.ics`,
  meeting: (meetingId: string) => `moeder/${slug(meetingId)}/`,
  item: (meetingId: string, number: number) => `moeder/${slug(meetingId)}/punkt-${number}/`,
  /** A public document copied into the site (on the embedded default, where there is no Drive link). */
  document: (meetingId: string, kind: string, format: string) => `moeder/${slug(meetingId)}/${kind}.${format}`,
  cases: 'sager/',
  case: (caseNumber: string) => `sager/${slug(caseNumber)}/`,
  caseFeed: (caseNumber: string) => `sager/${slug(caseNumber)}/feed.atom`,
  search: 'soeg/',
  stylesheet: 'assets/site.css',
  logo: (type: string) => `assets/logo.${type}`,
  oparl: (rest: string) => `oparl/${rest}`,
} as const;

/** The file a path is stored as: folders get their `index.html`. */
export function fileOf(path: string): string {
  return path === '' || path.endsWith('/') ? `${path}index.html` : path;
}

/** A link from the page at `from` to `to`, both site-relative, that works under any base path. */
export function relative(from: string, to: string): string {
  const fromDir = fileOf(from).split('/').slice(0, -1);
  const target = to.split('/');
  let common = 0;
  while (common < fromDir.length && common < target.length - 1 && fromDir[common] === target[common]) common++;
  const up = fromDir.length - common;
  const rest = target.slice(common).join('/');
  const result = '../'.repeat(up) + rest;
  return result === '' ? './' : result;
}

/** The absolute address of a site path under the site's base address (which ends in `/`). */
export function absolute(base: string, path: string): string {
  return new URL(path, base).href;
}
