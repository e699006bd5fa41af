// The accessibility check every PDF the test suite makes goes through: the PDF/UA machine checks of
// accessibility/check.py (pikepdf), and what only the meeting can tell: one bookmark per item, each
// contents entry linking to the page its item starts on, the members' marking on every page, and the
// wide table's numbers and words whole in the text.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pdfPages } from './helpers.js';

const execFileAsync = promisify(execFile);
const CHECKER = join(dirname(fileURLToPath(import.meta.url)), 'accessibility', 'check.py');

/** Debian's python3 has python3-pikepdf (.ci/run installs it); another python3 on the PATH may not. */
const PYTHON = process.env.DAGSORDEN_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export interface Failure {
  readonly rule: string;
  readonly detail: string;
}

interface Facts {
  readonly pages: number;
  readonly headings: number[];
  readonly nestedLists: number;
  readonly tables: number;
  readonly lang: string;
  readonly title: string;
  readonly xmpTitle: string;
  readonly pdfuaPart: string | null;
  readonly bookmarks: { title: string; depth: number; page: number | null }[];
  readonly links: { page: number; contents: string; uri: string | null; target: number | null; width: number; height: number }[];
}

export interface Expectation {
  /** The items' numbers, in order. */
  readonly items: readonly number[];
  /** The document's title property. */
  readonly title: string;
  /** Text every page must carry (the members' marking). */
  readonly everyPage?: string;
  /** Numbers and words that must come out of text extraction whole. */
  readonly wholeTokens?: readonly string[];
}

export interface Audit {
  readonly failures: Failure[];
  readonly facts: Facts;
}

/** Runs every check on one PDF. An empty `failures` is a pass. */
export async function auditPdf(pdf: string, expect: Expectation): Promise<Audit> {
  const { stdout } = await execFileAsync(PYTHON, [CHECKER, pdf], { maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(stdout) as { failures: Failure[]; facts: Facts };
  const failures = [...result.failures];
  const facts = result.facts;
  const fail = (rule: string, detail: string) => failures.push({ rule, detail });

  if (facts.lang !== 'da-DK') fail('settings', `Lang er ${facts.lang}`);
  if (facts.title !== expect.title || facts.xmpTitle !== expect.title) fail('settings', `titlen er "${facts.title}" / "${facts.xmpTitle}", ikke "${expect.title}"`);

  // Navigation: one top-level bookmark per item, and each contents entry goes to its item's page.
  const itemBookmarks = facts.bookmarks.filter((b) => b.depth === 0 && /^Punkt \d+:/.test(b.title));
  const numbers = itemBookmarks.map((b) => Number(/^Punkt (\d+):/.exec(b.title)![1]));
  if (JSON.stringify(numbers) !== JSON.stringify(expect.items)) fail('navigation', `bogmærker for punkterne ${numbers.join(', ')}, ventede ${expect.items.join(', ')}`);
  for (const bookmark of itemBookmarks) {
    const entry = facts.links.find((l) => l.uri === null && l.contents.startsWith(`${bookmark.title},`));
    if (!entry) fail('navigation', `intet link i indholdsfortegnelsen til "${bookmark.title}"`);
    else if (entry.target !== bookmark.page) fail('navigation', `"${bookmark.title}" starter på side ${bookmark.page}, men indholdsfortegnelsen linker til side ${entry.target}`);
    else if (entry.width < 200) fail('links', `linket til "${bookmark.title}" er kun ${entry.width.toFixed(0)} pt bredt`);
  }

  if (expect.everyPage || expect.wholeTokens) {
    const pages = await pdfPages(pdf);
    if (expect.everyPage) {
      pages.forEach((lines, i) => {
        if (!lines.some((l) => l.includes(expect.everyPage!))) fail('members', `side ${i + 1} mangler "${expect.everyPage}"`);
      });
    }
    const text = pages.flat().join('\n');
    const words = new Set(text.split(/\s+/));
    for (const token of expect.wholeTokens ?? []) if (!words.has(token)) fail('wide-tables', `"${token}" kommer ikke helt ud af teksten`);
  }
  return { failures, facts };
}
