// A rich-text cell's Markdown tree (the same mdast the documents are built from) as HTML, through the
// maintained unified pipeline: remark-rehype → rehype-sanitize → rehype-stringify. Sanitising is not
// optional: a cell's raw HTML or a `javascript:` link must not reach a citizen's browser.

import type { Nodes, Root } from 'mdast';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';

// NOTE: GitHub's schema (the default) prefixes ids with `user-content-`, so a heading typed in a cell
// can never clash with the page's own `punkt-N` anchors.
const processor = unified().use(remarkRehype).use(rehypeSanitize, defaultSchema).use(rehypeStringify).freeze();

/**
 * Soft line breaks as hard ones, as the documents do: a secretary who types lines in a cell means
 * lines. Returns a new tree where something changed and shares the rest: the model's tree is never touched.
 */
function hardBreaks<T extends Nodes>(node: T): T {
  if (!('children' in node)) return node;
  let changed = false;
  const children: Nodes[] = [];
  for (const child of node.children as Nodes[]) {
    if (child.type === 'text' && child.value.includes('\n')) {
      changed = true;
      child.value.split('\n').forEach((line, i) => {
        if (i > 0) children.push({ type: 'break' });
        if (line) children.push({ type: 'text', value: line });
      });
    } else {
      const next = hardBreaks(child);
      changed ||= next !== child;
      children.push(next);
    }
  }
  return changed ? ({ ...node, children } as T) : node;
}

// NOTE: a meeting page and its item pages show the same cells: each tree is converted once.
const cache = new WeakMap<Root, string>();

/** The cell's tree as sanitised HTML. */
export function richTextHtml(tree: Root): string {
  let html = cache.get(tree);
  if (html === undefined) {
    // remark-rehype reads the tree without changing it; the copy-on-write above keeps it so.
    html = processor.stringify(processor.runSync(hardBreaks(tree)));
    cache.set(tree, html);
  }
  return html;
}
