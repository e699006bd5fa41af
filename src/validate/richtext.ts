// Rich-text cells: Markdown as people type it (remark + GFM for pipe tables), into an mdast tree.

import type { Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { RichText } from '../model.js';

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

function markdownTree(text: string): Root {
  return MARKDOWN_SYNTAX.test(text) ? (processor.parse(text) as Root) : plainTree(text);
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
