// The folder rules (issues 14 and 22), checked on the source itself: Google in one folder, the
// folders in the pipeline's order, and no import cycle of any kind. A new import that breaks one fails here.

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
  for (const file of [...sources(SRC), ...sources(join(PACKAGE_ROOT, 'sheets-schema'))]) {
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

/**
 * The folders in the order the data flows, lowest first. A module may import from its own layer and
 * the layers before it, never from a later one: the pipeline reads the workbook, validates it, builds
 * the documents, describes their delivery, turns the public edition into the portal, and the runner
 * (publish) drives all of that. The adapters (the local files and Google) implement the ports the
 * steps declare, so they come after them; the doctor and the commands wire everything together.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['sheets-schema', 'src/model.ts', 'src/errors.ts', 'src/package-paths.ts', 'src/text', 'src/report'], // the shared vocabulary
  ['src/workbook'],
  ['src/validate'],
  ['src/documents'],
  ['src/delivery'],
  ['src/portal'],
  ['src/publish'],
  ['src/local'],
  ['src/google'],
  ['src/doctor'],
  ['src/commands'],
  ['src/cli.ts'],
];

/** The layer of a source file: the index of the entry in LAYERS that holds it. */
function layerOf(path: string): number {
  const r = relative(PACKAGE_ROOT, path);
  const i = LAYERS.findIndex((layer) => layer.some((entry) => r === entry || r.startsWith(`${entry}/`)));
  if (i < 0) throw new Error(`${r} is in no layer: add its folder to LAYERS`);
  return i;
}

it('every source file is in a layer, and no import points from a lower folder to a higher one', () => {
  const local = imports().filter((i) => i.to.startsWith(PACKAGE_ROOT));
  const upward = local.filter((i) => layerOf(i.to) > layerOf(i.from));
  expect(upward.map((i) => `${rel(i.from)} → ${rel(i.to)}${i.typeOnly ? ' (type)' : ''}`)).toEqual([]);
});

it('the layer rule can fail: an import from validate into documents is caught', () => {
  expect(layerOf(join(SRC, 'documents', 'x.ts'))).toBeGreaterThan(layerOf(join(SRC, 'validate', 'x.ts')));
  expect(() => layerOf(join(SRC, 'nowhere', 'x.ts'))).toThrow(/in no layer/);
});

/** Every cycle among the source files, through any import: types and imports on demand included. */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      found.push([...path.slice(path.indexOf(node)), node].map(rel).join(' → '));
      return;
    }
    state.set(node, 'open');
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of edges.keys()) visit(node, []);
  return found;
}

it('there is no import cycle, types and imports on demand included', () => {
  const edges = new Map<string, string[]>();
  for (const i of imports()) if (i.to.startsWith(PACKAGE_ROOT)) edges.set(i.from, [...(edges.get(i.from) ?? []), i.to]);
  expect(cycles(edges)).toEqual([]);
  // The check itself finds a cycle made only of type imports.
  const a = join(SRC, 'a.ts');
  const b = join(SRC, 'b.ts');
  expect(cycles(new Map([[a, [b]], [b, [a]]]))).toHaveLength(1);
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
