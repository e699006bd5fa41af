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

/** Soft line breaks as hard ones, as the documents do: a secretary who types lines in a cell means lines. */
function hardBreaks(node: Nodes): void {
  if (!('children' in node)) return;
  const children: Nodes[] = [];
  for (const child of node.children as Nodes[]) {
    if (child.type === 'text' && child.value.includes('\n')) {
      child.value.split('\n').forEach((line, i) => {
        if (i > 0) children.push({ type: 'break' });
        if (line) children.push({ type: 'text', value: line });
      });
    } else {
      hardBreaks(child);
      children.push(child);
    }
  }
  (node as { children: Nodes[] }).children = children;
}

/** The cell's tree as sanitised HTML. */
export function richTextHtml(tree: Root): string {
  const copy = structuredClone(tree);
  hardBreaks(copy);
  return processor.stringify(processor.runSync(copy));
}
