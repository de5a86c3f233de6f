import type { BlockObjectResponse } from '@notionhq/client';
import { createRandom, hashInts } from '../random.js';
import type { BlockNode, PageContent } from '../workspace/content.js';
import type { PageRecord } from '../workspace/model.js';
import { sentence } from '../workspace/words.js';
import { renderBlock } from './block.js';
import type { RenderContext } from './context.js';
import { pageUrl } from './context.js';
import {
  attribute,
  escapeMarkdown,
  inlineMarkdown,
  markdownColor,
  notionUrl,
  plainText,
} from './markdown-inline.js';

/*
 * A page (or a block's subtree) as Notion-flavored Markdown v2, after Notion's published syntax
 * (developers.notion.com, "Enhanced markdown format" and the v2 migration guide): blocks separated
 * by a blank line; list items on consecutive lines, their children indented one tab; other blocks
 * with children in their tag form (`<p>`, `<quote>`, `<toggle>`, `<callout>`, `<h2 toggle="true">`)
 * with the children after a blank line, not indented; colors as a `color` attribute.
 *
 * Notion loads at most a number of records per request (its docs: about 20,000 blocks). Blocks are
 * loaded breadth first; one that does not fit is rendered as `<unknown url="…" alt="<type>"/>` and
 * its id listed in `unknown_block_ids` (`truncated: true`); the same endpoint called with that id
 * renders it and its subtree (child pages and databases, whose ids name the page or database
 * itself, load with their parent and are never unknown). A synced block whose original the integration cannot read is
 * likewise unknown (fetching it answers 404). Block types Notion does not render (bookmark, embed,
 * link_preview, breadcrumb, template, unsupported) are `<unknown … alt="<type>"/>` tags that are
 * not listed: there is nothing more to fetch.
 */

export interface MarkdownRenderOptions {
  /** Most records (blocks) loaded by one request; `null`: no limit (the ground truth). */
  recordLimit: number | null;
  /** `include_transcript`: meeting notes carry their transcript. */
  includeTranscript: boolean;
}

export interface MarkdownRendering {
  markdown: string;
  truncated: boolean;
  unknownBlockIds: string[];
}

interface Slot {
  node: BlockNode;
  content: PageContent;
}

/** Block types Notion's Markdown does not render: `<unknown>` tags, not listed as unknown ids. */
const NOT_RENDERED = new Set(['bookmark', 'embed', 'link_preview', 'breadcrumb', 'template', 'unsupported']);
const LEAF_RECORDS = new Set(['child_page', 'child_database']);
const LIST_ITEMS = new Set(['bulleted_list_item', 'numbered_list_item', 'to_do']);

/** The children a reader of the Markdown sees: `undefined` when they cannot be read (a synced block's unshared original). */
function childSlots(ctx: RenderContext, slot: Slot): Slot[] | undefined {
  const { ws } = ctx;
  const { node, content } = slot;
  if (node.type === 'child_page' || node.type === 'child_database' || NOT_RENDERED.has(node.type)) return [];
  if (node.type === 'synced_block' && node.syncedFrom) {
    const original = ws.findBlock(node.syncedFrom);
    if (!original || !ws.pageAccessible(original.content.pageIdx)) return undefined;
    return ws
      .children(original.content, original.node.id)
      .map((child) => ({ node: child, content: original.content }));
  }
  return ws.children(content, node.id).map((child) => ({ node: child, content }));
}

/** Whether a synced block reference's original is readable (its subtree can be fetched). */
export function markdownReadable(ctx: RenderContext, slot: Slot): boolean {
  return childSlots(ctx, slot) !== undefined;
}

class Renderer {
  readonly #ctx: RenderContext;
  readonly #options: MarkdownRenderOptions;
  /** Children of loaded blocks (blocks absent here were not loaded). */
  readonly #children = new Map<string, Slot[]>();
  readonly #unknown: string[] = [];
  readonly #unknownSet = new Set<string>();

  constructor(ctx: RenderContext, options: MarkdownRenderOptions) {
    this.#ctx = ctx;
    this.#options = options;
  }

  /** Loads breadth first from `roots` until the record limit. */
  load(roots: Slot[]): void {
    const limit = this.#options.recordLimit;
    const queue: Slot[] = [];
    let records = 0;
    // A table's rows load with it, and so do child pages and databases (their tags come from the
    // parent's records): they count, but never stand alone as unknown blocks. (A child page's
    // block id is the page's id: fetched alone, it would render the child page itself.)
    const enqueue = (kids: Slot[], table: boolean) => {
      for (const kid of kids) {
        if (table || LEAF_RECORDS.has(kid.node.type)) {
          records++;
          this.#children.set(kid.node.id, []);
        } else queue.push(kid);
      }
    };
    enqueue(roots, false);
    for (let i = 0; i < queue.length; i++) {
      const slot = queue[i] as Slot;
      if (limit !== null && records >= limit) {
        this.#markUnknown(slot.node.id);
        continue;
      }
      records++;
      const kids = childSlots(this.#ctx, slot);
      if (kids === undefined) {
        this.#markUnknown(slot.node.id);
        continue;
      }
      this.#children.set(slot.node.id, kids);
      enqueue(kids, slot.node.type === 'table');
    }
  }

  result(markdown: string): MarkdownRendering {
    return { markdown, truncated: this.#unknown.length > 0, unknownBlockIds: [...this.#unknown] };
  }

  #markUnknown(id: string): void {
    if (this.#unknownSet.has(id)) return;
    this.#unknownSet.add(id);
    this.#unknown.push(id);
  }

  /** Sibling blocks: a blank line between blocks, one newline between list items. */
  blocks(slots: readonly Slot[]): string {
    let out = '';
    let previous: BlockNode | undefined;
    for (const slot of slots) {
      if (previous !== undefined)
        out += LIST_ITEMS.has(previous.type) && LIST_ITEMS.has(slot.node.type) ? '\n' : '\n\n';
      out += this.block(slot);
      previous = slot.node;
    }
    return out;
  }

  /** One block (and its loaded subtree). */
  block(slot: Slot): string {
    const { node, content } = slot;
    const kids = this.#children.get(node.id);
    if (kids === undefined || NOT_RENDERED.has(node.type)) return unknownTag(this.#ctx, slot);
    const object = renderBlock(this.#ctx, node, content);
    const children = this.blocks(kids);
    return renderOne(this.#ctx, slot, object, children, this.#options);
  }
}

function blockUrl(ctx: RenderContext, slot: Slot): string {
  const page = ctx.ws.pages[slot.content.pageIdx] as PageRecord;
  return `${notionUrl(page.id)}#${slot.node.id.replace(/-/g, '')}`;
}

function unknownTag(ctx: RenderContext, slot: Slot): string {
  return `<unknown url="${blockUrl(ctx, slot)}" alt="${slot.node.type}"/>`;
}

/** Children after a blank line inside a tag: `<tag …>\ntext\n\nchildren\n</tag>`. */
function tagged(open: string, close: string, text: string, children: string): string {
  const body = [text, children].filter((part) => part !== '').join('\n\n');
  return `${open}\n${body}\n${close}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `\t${line}`))
    .join('\n');
}

function colorAttr(color: string): string {
  return color === 'default' ? '' : ` color="${markdownColor(color)}"`;
}

/** The position of a numbered list item among the numbered items right before it (1-based). */
function listNumber(ctx: RenderContext, slot: Slot): number {
  const siblings = ctx.ws.children(slot.content, slot.node.parentId);
  const at = siblings.findIndex((s) => s.id === slot.node.id);
  let n = 1;
  for (let i = at - 1; i >= 0 && siblings[i]?.type === 'numbered_list_item'; i--) n++;
  return n;
}

function transcript(node: BlockNode): string {
  const rng = createRandom(hashInts(node.seed, 7));
  const lines = Array.from({ length: 3 }, (_, i) => `Speaker ${i + 1}: ${sentence(rng).trim()}`);
  return `<transcript>\n${lines.join('\n')}\n</transcript>`;
}

function renderOne(
  ctx: RenderContext,
  slot: Slot,
  b: BlockObjectResponse,
  children: string,
  options: MarkdownRenderOptions,
): string {
  const { ws } = ctx;
  const withChildren = (line: string) => (children === '' ? line : `${line}\n${indent(children)}`);
  switch (b.type) {
    case 'paragraph': {
      const text = inlineMarkdown(b.paragraph.rich_text);
      if (children === '' && b.paragraph.color === 'default') return text === '' ? '<empty-block/>' : text;
      return tagged(`<p${colorAttr(b.paragraph.color)}>`, '</p>', text, children);
    }
    case 'heading_1':
    case 'heading_2':
    case 'heading_3': {
      const level = Number(b.type.slice(-1));
      const h = b.type === 'heading_1' ? b.heading_1 : b.type === 'heading_2' ? b.heading_2 : b.heading_3;
      const text = inlineMarkdown(h.rich_text);
      if (children === '' && !h.is_toggleable && h.color === 'default') return `${'#'.repeat(level)} ${text}`;
      return tagged(`<h${level} toggle="true"${colorAttr(h.color)}>`, `</h${level}>`, text, children);
    }
    case 'bulleted_list_item':
      return withChildren(`- ${inlineMarkdown(b.bulleted_list_item.rich_text)}`);
    case 'numbered_list_item':
      return withChildren(`${listNumber(ctx, slot)}. ${inlineMarkdown(b.numbered_list_item.rich_text)}`);
    case 'to_do':
      return withChildren(`- [${b.to_do.checked ? 'x' : ' '}] ${inlineMarkdown(b.to_do.rich_text)}`);
    case 'toggle':
      return tagged(
        `<toggle${colorAttr(b.toggle.color)}>`,
        '</toggle>',
        inlineMarkdown(b.toggle.rich_text),
        children,
      );
    case 'quote': {
      const text = inlineMarkdown(b.quote.rich_text);
      if (children === '' && b.quote.color === 'default') return `> ${text}`;
      return tagged(`<quote${colorAttr(b.quote.color)}>`, '</quote>', text, children);
    }
    case 'callout': {
      const icon = b.callout.icon?.type === 'emoji' ? ` icon="${b.callout.icon.emoji}"` : '';
      const open = `<callout${icon}${colorAttr(b.callout.color)}>`;
      return tagged(open, '</callout>', inlineMarkdown(b.callout.rich_text), children);
    }
    case 'code':
      return `\`\`\`${b.code.language}\n${plainText(b.code.rich_text)}\n\`\`\``;
    case 'equation':
      return `$$\n${b.equation.expression}\n$$`;
    case 'divider':
      return '---';
    case 'table_of_contents':
      return `<table_of_contents${colorAttr(b.table_of_contents.color)}/>`;
    case 'image': {
      const url = b.image.type === 'file' ? b.image.file.url : b.image.external.url;
      return `![${inlineMarkdown(b.image.caption)}](${url})`;
    }
    case 'file':
    case 'pdf':
    case 'video':
    case 'audio': {
      const media =
        b.type === 'file' ? b.file : b.type === 'pdf' ? b.pdf : b.type === 'video' ? b.video : b.audio;
      const url = media.type === 'file' ? media.file.url : media.external.url;
      return `<${b.type} src="${attribute(url)}">${inlineMarkdown(media.caption)}</${b.type}>`;
    }
    case 'link_to_page': {
      const target = b.link_to_page.type === 'page_id' ? ws.pageById(b.link_to_page.page_id) : undefined;
      const url = target ? notionUrl(target.id) : '';
      return `<mention-page url="${url}">${escapeMarkdown(target?.title ?? '')}</mention-page>`;
    }
    case 'table': {
      const rows = children === '' ? [] : children.split('\n\n');
      const head = b.table.has_column_header ? ' header-row="true"' : '';
      const column = b.table.has_row_header ? ' header-column="true"' : '';
      return [`<table${head}${column}>`, ...rows, '</table>'].join('\n');
    }
    case 'table_row':
      return ['<tr>', ...b.table_row.cells.map((cell) => `<td>${inlineMarkdown(cell)}</td>`), '</tr>'].join(
        '\n',
      );
    case 'column_list':
      return `<columns>\n${children}\n</columns>`;
    case 'column':
      return `<column>\n${children}\n</column>`;
    case 'synced_block': {
      const from = b.synced_block.synced_from;
      if (from === null)
        return tagged(`<synced_block url="${blockUrl(ctx, slot)}">`, '</synced_block>', '', children);
      const original = ws.findBlock(from.block_id);
      const url = original ? blockUrl(ctx, original) : notionUrl(from.block_id);
      return tagged(`<synced_block_reference url="${url}">`, '</synced_block_reference>', '', children);
    }
    case 'child_page': {
      const page = slot.node.targetPageIdx !== undefined ? ws.pages[slot.node.targetPageIdx] : undefined;
      const url = page ? pageUrl(page.title, page.id) : notionUrl(b.id);
      return `<page url="${url}">${escapeMarkdown(b.child_page.title)}</page>`;
    }
    case 'child_database': {
      const db =
        slot.node.targetDatabaseIdx !== undefined ? ws.databases[slot.node.targetDatabaseIdx] : undefined;
      const id = db?.id ?? slot.node.linkedDatabaseId ?? b.id;
      const inline = db?.isInline ?? true;
      return `<database url="${notionUrl(id)}" inline="${inline}">${escapeMarkdown(b.child_database.title)}</database>`;
    }
    case 'transcription': {
      const title = plainText(b.transcription.title ?? []);
      const body = options.includeTranscript ? `${title}\n\n${transcript(slot.node)}` : title;
      return `<meeting-notes url="${blockUrl(ctx, slot)}">\n${body}\n</meeting-notes>`;
    }
    default:
      return unknownTag(ctx, slot);
  }
}

/** `GET /v1/pages/{id}/markdown` for a page. */
export function renderPageMarkdown(
  ctx: RenderContext,
  page: PageRecord,
  options: MarkdownRenderOptions,
): MarkdownRendering {
  const content = ctx.ws.content(page.idx);
  const roots = ctx.ws.children(content, page.id).map((node) => ({ node, content }));
  const renderer = new Renderer(ctx, options);
  renderer.load(roots);
  return renderer.result(renderer.blocks(roots));
}

/** `GET /v1/pages/{block_id}/markdown` for a block (an id from `unknown_block_ids`): its subtree. */
export function renderBlockMarkdown(
  ctx: RenderContext,
  slot: Slot,
  options: MarkdownRenderOptions,
): MarkdownRendering {
  const renderer = new Renderer(ctx, options);
  renderer.load([slot]);
  return renderer.result(renderer.block(slot));
}
