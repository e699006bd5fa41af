// The folder rules (issue 14), checked on the source itself: Google in one folder, the workbook's
// shape apart from delivery, and no import cycle. A new import that breaks one fails here.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/package-paths.js';

const SRC = join(PACKAGE_ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

interface Import {
  readonly from: string;
  /** A package name, or the absolute path of a source file. */
  readonly to: string;
  /** `import type` / `export type`: erased at compile time, so no runtime edge. */
  readonly typeOnly: boolean;
  /** `await import(...)`: loaded on demand, so no cycle at load time. */
  readonly dynamic: boolean;
}

/** Every import of every source file, read with the TypeScript-agnostic forms the code uses. */
function imports(): Import[] {
  const out: Import[] = [];
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const add = (spec: string, typeOnly: boolean, dynamic: boolean): void => {
      const to = spec.startsWith('.') ? resolve(dirname(file), spec).replace(/\.js$/, '.ts') : spec;
      out.push({ from: file, to, typeOnly, dynamic });
    };
    for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm)) add(m[3]!, Boolean(m[2]), false);
    for (const m of text.matchAll(/^import\s+'([^']+)'/gm)) add(m[1]!, false, false);
    for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) add(m[1]!, false, true);
  }
  return out;
}

const inFolder = (path: string, folder: string): boolean => relative(join(SRC, folder), path).split('/')[0] !== '..';
const rel = (path: string): string => relative(PACKAGE_ROOT, path);

it('reads the imports it checks (the rules below are not vacuous)', () => {
  const all = imports();
  expect(all.length).toBeGreaterThan(200);
  expect(all.some((i) => i.to.startsWith('@googleapis/'))).toBe(true);
});

it('only src/google/ imports the Google clients', () => {
  const google = imports().filter((i) => /^(@googleapis\/|google-auth-library|googleapis)/.test(i.to));
  expect(google.filter((i) => !inFolder(i.from, 'google')).map((i) => `${rel(i.from)} → ${i.to}`)).toEqual([]);
});

it('nothing in src/workbook/ imports src/delivery/, and nothing in src/delivery/ imports src/workbook/', () => {
  const crossing = imports().filter((i) => (inFolder(i.from, 'workbook') && inFolder(i.to, 'delivery')) || (inFolder(i.from, 'delivery') && inFolder(i.to, 'workbook')));
  expect(crossing.map((i) => `${rel(i.from)} → ${rel(i.to)}`)).toEqual([]);
});

it('there is no import cycle among the modules loaded at start-up', () => {
  const edges = new Map<string, string[]>();
  for (const i of imports()) if (!i.typeOnly && !i.dynamic && i.to.startsWith(SRC)) edges.set(i.from, [...(edges.get(i.from) ?? []), i.to]);
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      cycles.push([...path.slice(path.indexOf(node)), node].map(rel).join(' → '));
      return;
    }
    state.set(node, 'open');
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of edges.keys()) visit(node, []);
  expect(cycles).toEqual([]);
});

it('the environment is read by the commands (the wiring) only; the adapters are handed a session', () => {
  const files = sources(SRC);
  const readsProcessEnv = files.filter((f) => /process\.env/.test(readFileSync(f, 'utf8'))).map(rel);
  // findSoffice's default looks up LibreOffice for the tests and benchmarks that have no command around them.
  expect(readsProcessEnv.filter((f) => !f.startsWith('src/commands/') && f !== 'src/cli.ts' && f !== 'src/documents/pdf.ts')).toEqual([]);
  // Opening the session (client.ts with its retry policy) and the `auth` command's sign-in take the
  // environment as an argument; every other adapter takes the session.
  const takesEnv = files.filter((f) => (inFolder(f, 'google') || inFolder(f, 'local')) && /ProcessEnv/.test(readFileSync(f, 'utf8'))).map(rel);
  expect(takesEnv.sort()).toEqual(['src/google/client.ts', 'src/google/retry.ts', 'src/google/signin.ts']);
});

it('no two source files share a name (src/commands/ is named after the commands themselves)', () => {
  const byName = new Map<string, string[]>();
  for (const f of sources(SRC).filter((f) => !inFolder(f, 'commands'))) {
    const name = f.split('/').pop()!;
    byName.set(name, [...(byName.get(name) ?? []), rel(f)]);
  }
  expect([...byName.values()].filter((paths) => paths.length > 1)).toEqual([]);
});
