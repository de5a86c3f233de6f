import { mapConcurrent, type PageMarkdown } from '@source-notion/core';
import type { CompletedMarkdown } from './page-markdown-document.js';

/** Subtrees of one page fetched at once (the rate limiter bounds the whole capture). */
const SUBTREE_CONCURRENCY = 4;

/**
 * Placeholders not fetched: a child page's or database's block id is the page's or database's id,
 * so the endpoint would answer with that page's own content, not its link in this one.
 */
const NOT_FETCHED = new Set(['child_page', 'child_database', 'page', 'database']);

/** Where `<unknown …/>` for block `id` stands: its start and end in `markdown`, or undefined. */
function findPlaceholder(markdown: string, id: string): { start: number; end: number } | undefined {
  const keys = [id.replace(/-/g, '').toLowerCase(), id.toLowerCase()];
  let from = 0;
  for (;;) {
    const start = markdown.indexOf('<unknown', from);
    if (start < 0) return undefined;
    const close = markdown.indexOf('/>', start);
    if (close < 0) return undefined;
    const end = close + 2;
    const tag = markdown.slice(start, end).toLowerCase();
    if (keys.some((key) => tag.includes(key))) return { start, end };
    from = end;
  }
}

/** The `alt` (the block type) of block `id`'s placeholder, when it has one. */
function placeholderAlt(markdown: string, id: string): string | undefined {
  const at = findPlaceholder(markdown, id);
  if (at === undefined) return undefined;
  return /\balt="([^"]*)"/.exec(markdown.slice(at.start, at.end))?.[1];
}

/**
 * `markdown` with the `<unknown …/>` placeholder of block `id` replaced by `subtree` (that block's
 * Markdown). A placeholder alone on its line keeps its indentation (list children are indented
 * with tabs): every non-empty line of the subtree gets it. Without a placeholder naming the block,
 * the subtree is appended at the end (as Notion's own example does) and `found` is false.
 */
export function spliceUnknownBlock(
  markdown: string,
  id: string,
  subtree: string,
): { markdown: string; found: boolean } {
  const at = findPlaceholder(markdown, id);
  if (at === undefined)
    return { markdown: markdown === '' ? subtree : `${markdown}\n\n${subtree}`, found: false };
  const lineStart = markdown.lastIndexOf('\n', at.start - 1) + 1;
  const prefix = markdown.slice(lineStart, at.start);
  const indent = /^[ \t]*$/.test(prefix) ? prefix : '';
  const body = subtree
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : `${indent}${line}`))
    .join('\n');
  return { markdown: markdown.slice(0, at.start) + body + markdown.slice(at.end), found: true };
}

export interface CompleteMarkdownResult extends CompletedMarkdown {
  /** Requests made for unknown blocks. */
  requests: number;
  /** Subtrees appended at the end because no placeholder named them. */
  appended: number;
}

/**
 * A page's complete Markdown: every block in `unknown_block_ids` fetched through the same endpoint
 * (`fetch`: undefined for a 404) and spliced where its placeholder stands, and the unknown blocks
 * of those subtrees in turn, each id at most once. Blocks that answer 404 (not shared), and child
 * pages and databases (see NOT_FETCHED), keep their `<unknown …/>` tag and are listed in
 * `unreadableBlockIds`.
 */
export async function completeMarkdown(
  first: PageMarkdown,
  fetch: (id: string, signal: AbortSignal) => Promise<PageMarkdown | undefined>,
  signal?: AbortSignal,
): Promise<CompleteMarkdownResult> {
  let markdown = first.markdown;
  const unreadable: string[] = [];
  const seen = new Set<string>([first.id]);
  let requests = 0;
  let appended = 0;
  let round = first.unknown_block_ids.filter((id) => !seen.has(id));
  while (round.length > 0) {
    for (const id of round) seen.add(id);
    const linked = round.filter((id) => NOT_FETCHED.has(placeholderAlt(markdown, id) ?? ''));
    unreadable.push(...linked);
    round = round.filter((id) => !linked.includes(id));
    const fetched = new Map<string, PageMarkdown | undefined>();
    for await (const [id, sub] of mapConcurrent(
      round,
      SUBTREE_CONCURRENCY,
      async (id, abort) => [id, await fetch(id, abort)] as const,
      signal,
    ))
      fetched.set(id, sub);
    requests += round.length;
    const next: string[] = [];
    // Spliced in the order Notion listed them, so appended subtrees keep the page's order.
    for (const id of round) {
      const sub = fetched.get(id);
      if (sub === undefined) {
        unreadable.push(id);
        continue;
      }
      const spliced = spliceUnknownBlock(markdown, id, sub.markdown);
      markdown = spliced.markdown;
      if (!spliced.found) appended++;
      for (const inner of sub.unknown_block_ids) if (!seen.has(inner)) next.push(inner);
    }
    round = [...new Set(next)];
  }
  return { markdown, unreadableBlockIds: unreadable, requests, appended };
}
