// Rich-text cells: Markdown as people type it (remark + GFM for pipe tables), into an mdast tree.

import type { Nodes, Parent, PhrasingContent, Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { RichText } from '../model.js';
import { SAFE_LINK } from './guard.js';

const processor = unified().use(remarkParse).use(remarkGfm);

// NOTE: most cells are plain paragraphs. Text without any Markdown syntax character gets its tree
// built directly: the result is the same as remark's, at a fraction of the cost for a year of meetings.
const MARKDOWN_SYNTAX = /[#*_`[\]|<>!\\~]|&[#a-z0-9]+;|^\s*([-+]|\d+[.)])\s|^\s{4}|^\s*[=-]+\s*$|https?:|www\.|@/m;

function plainTree(text: string): Root {
  const paragraphs = text
    .split(/\n[ \t]*\n/)
    .map((p) => p.split('\n').map((l) => l.trim()).join('\n').trim())
    .filter((p) => p !== '');
  return {
    type: 'root',
    children: paragraphs.map((value) => ({ type: 'paragraph', children: [{ type: 'text', value }] })),
  };
}

/** The text a reader sees of a node: what an unsafe link leaves behind. */
function visibleText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string' && node.type !== 'html') return node.value;
  if (node.type === 'image' || node.type === 'imageReference') return node.alt ?? '';
  return 'children' in node ? (node.children as Nodes[]).map(visibleText).join('') : '';
}

/**
 * Every link, image and reference whose destination is not https:, http: or mailto: becomes plain
 * text, in the tree itself, so no renderer (docx, PDF, e-mail) can ever make it a live link. Iterative:
 * the depth is bounded by validation, but this must not be the place that overflows.
 */
function defuseLinks(root: Root): Root {
  const definitions = new Map<string, string>();
  const stack: Parent[] = [root];
  while (stack.length) {
    const parent = stack.pop()!;
    for (const child of parent.children as Nodes[]) {
      if (child.type === 'definition') definitions.set(child.identifier, child.url);
      if ('children' in child) stack.push(child as Parent);
    }
  }
  const safe = (url: string | undefined): boolean => url !== undefined && SAFE_LINK.test(url);
  stack.push(root);
  while (stack.length) {
    const parent = stack.pop()!;
    const out: Nodes[] = [];
    for (const child of parent.children as Nodes[]) {
      const unsafe =
        ((child.type === 'link' || child.type === 'image') && !safe(child.url)) ||
        ((child.type === 'linkReference' || child.type === 'imageReference') && !safe(definitions.get(child.identifier)));
      if (child.type === 'definition' && !safe(child.url)) continue;
      if (unsafe) {
        const text: PhrasingContent = { type: 'text', value: visibleText(child) };
        out.push(text);
        continue;
      }
      out.push(child);
      if ('children' in child) stack.push(child as Parent);
    }
    (parent as { children: Nodes[] }).children = out;
  }
  return root;
}

function markdownTree(text: string): Root {
  return MARKDOWN_SYNTAX.test(text) ? defuseLinks(processor.parse(text) as Root) : plainTree(text);
}

// NOTE: the tree is built on first use. Validation only needs the text; the document builder walks
// the tree of the one meeting it renders, so a scheduled run over a year of meetings parses almost
// nothing. `source` is the only own enumerable field, so JSON (content hashes) sees the text alone.
class LazyRichText implements RichText {
  #tree: Root | undefined;
  constructor(readonly source: string) {}
  get tree(): Root {
    this.#tree ??= markdownTree(this.source);
    return this.#tree;
  }
}

export function parseRichText(source: string): RichText {
  return new LazyRichText(source.replace(/\r\n?/g, '\n'));
}
