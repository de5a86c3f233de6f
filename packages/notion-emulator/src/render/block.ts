import type { BlockObjectResponse } from '@notionhq/client';
import { createRandom, hashInts } from '../random.js';
import { isoTime } from '../time.js';
import type { BlockNode, PageContent } from '../workspace/content.js';
import type { DatabaseRecord, PageRecord } from '../workspace/model.js';
import { words } from '../workspace/words.js';
import { partialUser, type RenderContext, signedFile } from './context.js';
import { pageParent } from './page.js';
import { richText } from './rich-text.js';

type BlockParent = BlockObjectResponse['parent'];

const LANGUAGES = ['typescript', 'python', 'sql', 'bash', 'json', 'go', 'rust'] as const;

function parentOf(ctx: RenderContext, node: BlockNode): BlockParent {
  const page = ctx.ws.pages[node.pageIdx] as PageRecord;
  if (node.parentId === page.id) return { type: 'page_id', page_id: page.id };
  return { type: 'block_id', block_id: node.parentId };
}

/** A block object (API version 2025-09-03 shape). */
export function renderBlock(ctx: RenderContext, node: BlockNode, content: PageContent): BlockObjectResponse {
  const ws = ctx.ws;
  let created = node.created;
  let edited = node.edited;
  let createdBy = node.createdBy;
  let editedBy = node.editedBy;
  let inTrash = node.inTrash;
  let childTitle = '';
  if (node.type === 'child_page' && node.targetPageIdx !== undefined) {
    const page = ws.pages[node.targetPageIdx] as PageRecord;
    ({ created, edited, createdBy, editedBy } = page);
    inTrash = inTrash || page.inTrash;
    childTitle = page.title;
  }
  if (node.type === 'child_database') {
    const db = node.targetDatabaseIdx !== undefined ? ws.databases[node.targetDatabaseIdx] : undefined;
    childTitle = db ? db.title : 'Linked view';
  }
  const common = {
    object: 'block' as const,
    id: node.id,
    parent: parentOf(ctx, node),
    created_time: isoTime(created),
    last_edited_time: isoTime(edited),
    created_by: partialUser(ctx, createdBy),
    last_edited_by: partialUser(ctx, editedBy),
    has_children: ws.hasChildren(content, node),
    in_trash: inTrash,
    archived: inTrash,
  };
  const seed = hashInts(node.seed, node.rev);
  const rng = createRandom(seed);
  const text = () => richText(ctx, seed, node.text);
  const caption = () => (rng.chance(0.3) ? richText(ctx, seed + 1) : []);
  const color = 'default' as const;
  switch (node.type) {
    case 'paragraph':
      return { ...common, type: 'paragraph', paragraph: { rich_text: text(), color, icon: null } };
    case 'heading_1':
      return { ...common, type: 'heading_1', heading_1: { rich_text: text(), color, is_toggleable: false } };
    case 'heading_2':
      return {
        ...common,
        type: 'heading_2',
        heading_2: { rich_text: text(), color, is_toggleable: node.children.length > 0 },
      };
    case 'heading_3':
      return { ...common, type: 'heading_3', heading_3: { rich_text: text(), color, is_toggleable: false } };
    case 'bulleted_list_item':
      return { ...common, type: 'bulleted_list_item', bulleted_list_item: { rich_text: text(), color } };
    case 'numbered_list_item':
      return { ...common, type: 'numbered_list_item', numbered_list_item: { rich_text: text(), color } };
    case 'to_do':
      return { ...common, type: 'to_do', to_do: { rich_text: text(), color, checked: rng.chance(0.4) } };
    case 'toggle':
      return { ...common, type: 'toggle', toggle: { rich_text: text(), color } };
    case 'quote':
      return { ...common, type: 'quote', quote: { rich_text: text(), color } };
    case 'callout':
      return {
        ...common,
        type: 'callout',
        callout: { rich_text: text(), color: 'gray_background', icon: { type: 'emoji', emoji: '💡' } },
      };
    case 'code':
      return {
        ...common,
        type: 'code',
        code: {
          rich_text: richText(ctx, seed, node.text ?? `const ${words(rng, 1, 1)} = ${rng.int(0, 99)};`),
          caption: [],
          language: rng.pick(LANGUAGES),
        },
      };
    case 'equation':
      return { ...common, type: 'equation', equation: { expression: node.text ?? 'e^{i\\pi} + 1 = 0' } };
    case 'divider':
      return { ...common, type: 'divider', divider: {} };
    case 'breadcrumb':
      return { ...common, type: 'breadcrumb', breadcrumb: {} };
    case 'table_of_contents':
      return { ...common, type: 'table_of_contents', table_of_contents: { color } };
    case 'image': {
      const name = `image-${node.seed % 1000}.png`;
      return rng.chance(0.5)
        ? {
            ...common,
            type: 'image',
            image: { type: 'file', file: signedFile(ctx, node.id, name), caption: caption() },
          }
        : {
            ...common,
            type: 'image',
            image: {
              type: 'external',
              external: { url: `https://images.example.com/${name}` },
              caption: caption(),
            },
          };
    }
    case 'file': {
      const name = `${words(rng, 1, 2).replace(/ /g, '-')}.zip`;
      return {
        ...common,
        type: 'file',
        file: { type: 'file', file: signedFile(ctx, node.id, name), caption: caption(), name },
      };
    }
    case 'pdf':
      return {
        ...common,
        type: 'pdf',
        pdf: { type: 'file', file: signedFile(ctx, node.id, 'document.pdf'), caption: caption() },
      };
    case 'video':
      return {
        ...common,
        type: 'video',
        video: {
          type: 'external',
          external: { url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' },
          caption: [],
        },
      };
    case 'audio':
      return {
        ...common,
        type: 'audio',
        audio: { type: 'file', file: signedFile(ctx, node.id, 'memo.m4a'), caption: [] },
      };
    case 'bookmark':
      return {
        ...common,
        type: 'bookmark',
        bookmark: { url: `https://example.com/${words(rng, 1, 2).replace(/ /g, '-')}`, caption: caption() },
      };
    case 'embed':
      return {
        ...common,
        type: 'embed',
        embed: { url: 'https://www.figma.com/file/abc123/Design', caption: [] },
      };
    case 'link_preview':
      return {
        ...common,
        type: 'link_preview',
        link_preview: { url: 'https://github.com/estuary/flow/pull/1' },
      };
    case 'link_to_page': {
      const target = ws.pages[node.linkToPageIdx ?? 0] as PageRecord;
      return { ...common, type: 'link_to_page', link_to_page: { type: 'page_id', page_id: target.id } };
    }
    case 'table':
      return {
        ...common,
        type: 'table',
        table: { table_width: node.tableWidth ?? 2, has_column_header: true, has_row_header: false },
      };
    case 'table_row': {
      const cells = Array.from({ length: node.tableWidth ?? 2 }, (_, i) =>
        richText(ctx, seed + i, undefined, 1),
      );
      return { ...common, type: 'table_row', table_row: { cells } };
    }
    case 'column_list':
      return { ...common, type: 'column_list', column_list: {} };
    case 'column':
      return { ...common, type: 'column', column: {} };
    case 'template':
      return { ...common, type: 'template', template: { rich_text: text() } };
    case 'synced_block':
      return {
        ...common,
        type: 'synced_block',
        synced_block: {
          synced_from: node.syncedFrom ? { type: 'block_id', block_id: node.syncedFrom } : null,
        },
      };
    case 'child_page':
      return { ...common, type: 'child_page', child_page: { title: childTitle } };
    case 'child_database':
      return { ...common, type: 'child_database', child_database: { title: childTitle } };
    case 'unsupported':
      return {
        ...common,
        type: 'unsupported',
        unsupported: { block_type: node.unsupportedType ?? 'unsupported' },
      };
    case 'transcription':
      return {
        ...common,
        type: 'transcription',
        transcription: {
          title: richText(ctx, seed, node.text ?? 'Weekly sync'),
          status: 'notes_ready',
          calendar_event: { start_time: isoTime(created), end_time: isoTime(created + 1_800_000) },
        },
      };
  }
}

/** GET /v1/blocks/{page_id}: a page seen as the child_page block its parent holds. */
export function renderPageAsBlock(ctx: RenderContext, page: PageRecord): BlockObjectResponse {
  return {
    object: 'block',
    id: page.id,
    parent: pageParent(ctx, page),
    created_time: isoTime(page.created),
    last_edited_time: isoTime(page.edited),
    created_by: partialUser(ctx, page.createdBy),
    last_edited_by: partialUser(ctx, page.editedBy),
    has_children: true,
    in_trash: page.inTrash,
    archived: page.inTrash,
    type: 'child_page',
    child_page: { title: page.title },
  };
}

/** GET /v1/blocks/{database_id}: a database seen as its child_database block. */
export function renderDatabaseAsBlock(ctx: RenderContext, db: DatabaseRecord): BlockObjectResponse {
  const parent: BlockParent =
    db.parent.type === 'workspace'
      ? { type: 'workspace', workspace: true }
      : { type: 'page_id', page_id: (ctx.ws.pages[db.parent.pageIdx] as PageRecord).id };
  return {
    object: 'block',
    id: db.id,
    parent,
    created_time: isoTime(db.created),
    last_edited_time: isoTime(db.edited),
    created_by: partialUser(ctx, db.createdBy),
    last_edited_by: partialUser(ctx, db.createdBy),
    has_children: false,
    in_trash: false,
    archived: false,
    type: 'child_database',
    child_database: { title: db.title },
  };
}
