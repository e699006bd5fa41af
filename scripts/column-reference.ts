// Generates the README's column reference from sheets-schema/ (`npm run docs` rewrites it in place).

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SETTINGS, TABS } from '../sheets-schema/schema.js';
import { PACKAGE_ROOT } from '../src/package-paths.js';

const KIND_NAMES: Record<string, string> = {
  text: 'text', richtext: 'rich text (Markdown)', date: 'date', time: 'time', datetime: 'date-time', integer: 'whole number',
  boolean: 'yes/no', choice: 'one of a list', email: 'e-mail address', caseNumber: 'KLE case number', timeSlot: 'time slot',
  recommendation: '`at ...` lines', attachments: 'one attachment per line', list: 'comma list', link: 'link',
};

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function columnReference(): string {
  const out: string[] = [];
  for (const tab of TABS) {
    out.push(`### Tab \`${tab.name}\`${tab.scriptOwned ? ' (written by dagsorden)' : ''}`, '', tab.note, '', '| Column | Type | Required | Default | Note (as shown in the Sheet) |', '| --- | --- | --- | --- | --- |');
    for (const c of tab.columns) {
      const type = c.kind === 'choice' ? `one of ${c.choices!.map((x) => `\`${x}\``).join(', ')}` : KIND_NAMES[c.kind];
      out.push(`| ${cell(c.header)} | ${type}${c.scriptOwned ? ', written by dagsorden' : ''} | ${c.required ? 'yes' : ''} | ${c.default ?? ''} | ${cell(c.note)} |`);
    }
    out.push('');
  }
  out.push('### Keys in `Indstillinger`', '', '| Nøgle | Default | Note |', '| --- | --- | --- |');
  for (const s of SETTINGS) out.push(`| ${s.key} | ${s.default === null ? '(required for sending)' : s.default === '' ? '(empty)' : s.default} | ${cell(s.note)} |`);
  return out.join('\n');
}

const BEGIN = '<!-- columns:begin (generated from sheets-schema/ by `npm run docs`) -->';
const END = '<!-- columns:end -->';

export function withColumnReference(readme: string): string {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < 0) throw new Error('README.md lacks the column reference markers');
  return `${readme.slice(0, a + BEGIN.length)}\n${columnReference()}\n${readme.slice(b)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = join(PACKAGE_ROOT, 'README.md');
  await writeFile(path, withColumnReference(await readFile(path, 'utf8')));
  console.log('Updated the column reference in README.md');
}
