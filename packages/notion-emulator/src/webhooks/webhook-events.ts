import { pageParent } from '../render/page.js';
import type { PageRecord } from '../workspace/model.js';
import type { WorkspaceMutation } from '../workspace/mutation-listener.js';
import type { Workspace } from '../workspace/workspace.js';
import type { WebhookEventType } from './webhook-options.js';

export type WebhookEntityType = 'page' | 'database' | 'data_source' | 'comment' | 'block';

/** A reference as webhook events carry them: `{id, type}`. */
export interface WebhookRef {
  id: string;
  type: string;
}

/** The parent of an event's entity (`data.parent`); a row's names its data source too. */
export interface WebhookParent extends WebhookRef {
  data_source_id?: string;
}

/** What one change makes Notion send, before it is queued: the event without its envelope. */
export interface WebhookEventDraft {
  type: WebhookEventType;
  entity: { id: string; type: WebhookEntityType };
  /** Who made the change. */
  authors: WebhookRef[];
  data: {
    parent?: WebhookParent;
    updated_blocks?: WebhookRef[];
    updated_properties?: string[];
    page_id?: string;
  };
  /** Emulated ms of the change. */
  at: number;
}

/** What the subscription's integration may see (its token's capabilities). */
export interface WebhookScope {
  readComments: boolean;
}

type Planned = (result: unknown) => WebhookEventDraft[];

const NONE: Planned = () => [];

function author(ws: Workspace, userIdx: number): WebhookRef[] {
  const user = ws.users[userIdx];
  return user ? [{ id: user.id, type: user.type }] : [];
}

/** `data.parent` of a page's events: the workspace (`space`), a page, a block, or a row's database. */
export function webhookParent(ws: Workspace, page: PageRecord): WebhookParent {
  const parent = pageParent({ ws, now: ws.now() }, page);
  switch (parent.type) {
    case 'page_id':
      return { id: parent.page_id, type: 'page' };
    case 'block_id':
      return { id: parent.block_id, type: 'block' };
    case 'data_source_id':
      return { id: parent.database_id, type: 'database', data_source_id: parent.data_source_id };
    default:
      return { id: ws.data.workspaceId, type: 'space' };
  }
}

function pageEvent(
  ws: Workspace,
  type: WebhookEventType,
  page: PageRecord,
  data: WebhookEventDraft['data'] = {},
): WebhookEventDraft {
  return {
    type,
    entity: { id: page.id, type: 'page' },
    authors: author(ws, page.editedBy),
    data: { parent: webhookParent(ws, page), ...data },
    at: ws.now(),
  };
}

/** page.content_updated for the page holding these blocks, when the integration sees it. */
function contentUpdated(ws: Workspace, pageIdx: number | undefined, blockIds: string[]): WebhookEventDraft[] {
  const page = pageIdx === undefined ? undefined : ws.pages[pageIdx];
  if (!page || !ws.pageAccessible(page.idx)) return [];
  return [
    pageEvent(ws, 'page.content_updated', page, {
      updated_blocks: blockIds.map((id) => ({ id, type: 'block' })),
    }),
  ];
}

/** data_source.content_updated when a row comes or goes. */
function rowsChanged(ws: Workspace, page: PageRecord): WebhookEventDraft[] {
  if (page.parent.type !== 'data_source') return [];
  const ds = ws.dataSources[page.parent.dataSourceIdx];
  const db = ds && ws.databases[ds.databaseIdx];
  if (!ds || !db || !ws.dataSourceAccessible(ds.idx)) return [];
  return [
    {
      type: 'data_source.content_updated',
      entity: { id: ds.id, type: 'data_source' },
      authors: author(ws, page.editedBy),
      data: { parent: { id: db.id, type: 'database' }, updated_blocks: [{ id: page.id, type: 'page' }] },
      at: ws.now(),
    },
  ];
}

function propertyIds(ws: Workspace, page: PageRecord): string[] {
  if (page.parent.type !== 'data_source') return ['title'];
  return (ws.dataSources[page.parent.dataSourceIdx]?.properties ?? []).map((p) => p.id);
}

function trashChange(ws: Workspace, id: string, type: 'page.deleted' | 'page.undeleted'): Planned {
  const page = ws.pageById(id);
  const wasInTrash = page?.inTrash;
  return () => {
    if (!page || page.inTrash === wasInTrash || !ws.pageAccessible(page.idx)) return [];
    return [pageEvent(ws, type, page), ...rowsChanged(ws, page)];
  };
}

function commentEvent(
  ws: Workspace,
  type: 'comment.created' | 'comment.updated',
  commentId: string,
  scope: WebhookScope,
): WebhookEventDraft[] {
  const found = ws.findComment(commentId);
  const page = found && ws.pages[found.content.pageIdx];
  if (!found || !page || !scope.readComments || !ws.pageAccessible(page.idx)) return [];
  const onPage = found.comment.parentId === page.id;
  return [
    {
      type,
      entity: { id: found.comment.id, type: 'comment' },
      authors: author(ws, found.comment.createdBy),
      data: {
        page_id: page.id,
        parent: { id: found.comment.parentId, type: onPage ? 'page' : 'block' },
      },
      at: ws.now(),
    },
  ];
}

/**
 * The events Notion sends for one workspace mutation, for what the integration can see. Called
 * before the mutation (to note what it will change); the returned function, called with the
 * mutation's result, gives the events. Unsharing, sharing and hiding from search send none.
 */
export function planWebhookEvents(ws: Workspace, mutation: WorkspaceMutation, scope: WebhookScope): Planned {
  const [first, second] = mutation.args;
  const id = typeof first === 'string' ? first : '';
  switch (mutation.op) {
    case 'editPage':
      return () => {
        const page = ws.pageById(id);
        if (!page || !ws.pageAccessible(page.idx)) return [];
        return [
          pageEvent(ws, 'page.properties_updated', page, { updated_properties: propertyIds(ws, page) }),
        ];
      };
    case 'editBlock':
    case 'deleteBlock':
      return () => contentUpdated(ws, ws.findBlock(id)?.content.pageIdx, [id]);
    case 'appendBlocks':
      return (result) => {
        const ids = Array.isArray(result) ? (result as string[]) : [];
        const pageIdx = ids[0] === undefined ? undefined : ws.findBlock(ids[0])?.content.pageIdx;
        return contentUpdated(ws, pageIdx, ws.pageById(id) ? ids : [id, ...ids]);
      };
    case 'moveBlock': {
      const from = ws.findBlock(id)?.content.pageIdx;
      return () => {
        const to = ws.findBlock(id)?.content.pageIdx;
        const moved = [id, ...(typeof second === 'string' && !ws.pageById(second) ? [second] : [])];
        return [...contentUpdated(ws, from, [id]), ...(to !== from ? contentUpdated(ws, to, moved) : [])];
      };
    }
    case 'movePage': {
      const before = ws.pageById(id)?.parent;
      const from = before?.type === 'page' ? before.pageIdx : undefined;
      return () => {
        const page = ws.pageById(id);
        if (!page || !ws.pageAccessible(page.idx)) return [];
        const to = page.parent.type === 'page' ? page.parent.pageIdx : undefined;
        return [
          pageEvent(ws, 'page.moved', page),
          ...contentUpdated(ws, from, [page.id]),
          ...contentUpdated(ws, to, [page.id]),
        ];
      };
    }
    case 'trashPage':
      return trashChange(ws, id, 'page.deleted');
    case 'restorePage':
      return trashChange(ws, id, 'page.undeleted');
    case 'purgePage': {
      // Deleted for good: an event only when it leaves the integration's sight now (not from the trash).
      const page = ws.pageById(id);
      const visible = page !== undefined && !page.inTrash && ws.pageAccessible(page.idx);
      return () => (page && visible ? [pageEvent(ws, 'page.deleted', page), ...rowsChanged(ws, page)] : []);
    }
    case 'addComment':
      return (result) =>
        typeof result === 'string' ? commentEvent(ws, 'comment.created', result, scope) : [];
    case 'resolveComment': {
      const found = ws.findComment(id);
      const open = found
        ? found.content.comments
            .filter((c) => c.discussionId === found.comment.discussionId && !c.resolved)
            .map((c) => c.id)
        : [];
      return () => open.flatMap((commentId) => commentEvent(ws, 'comment.updated', commentId, scope));
    }
    case 'addDataSource':
      return (result) => {
        const ds = typeof result === 'string' ? ws.dataSourceById(result) : undefined;
        const db = ds && ws.databases[ds.databaseIdx];
        if (!ds || !db || !ws.dataSourceAccessible(ds.idx)) return [];
        const created: WebhookEventDraft = {
          type: 'data_source.created',
          entity: { id: ds.id, type: 'data_source' },
          authors: author(ws, ds.createdBy),
          data: { parent: { id: db.id, type: 'database' } },
          at: ws.now(),
        };
        const rows = ds.rowIdxs.map((idx) => ws.pages[idx]).filter((p): p is PageRecord => p !== undefined);
        return [created, ...rows.map((row) => pageEvent(ws, 'page.created', row))];
      };
    case 'addPage':
      return (result) => {
        const page = typeof result === 'string' ? ws.pageById(result) : undefined;
        if (!page || !ws.pageAccessible(page.idx)) return [];
        const parentPage = page.parent.type === 'page' ? page.parent.pageIdx : undefined;
        return [
          pageEvent(ws, 'page.created', page),
          ...contentUpdated(ws, parentPage, [page.id]),
          ...rowsChanged(ws, page),
        ];
      };
    case 'addProperty':
    case 'renameProperty':
    case 'retypeProperty':
      return () => {
        const ds = ws.dataSourceById(id);
        const db = ds && ws.databases[ds.databaseIdx];
        if (!ds || !db || !ws.dataSourceAccessible(ds.idx)) return [];
        return [
          {
            type: 'data_source.schema_updated',
            entity: { id: ds.id, type: 'data_source' },
            authors: author(ws, ds.createdBy),
            data: { parent: { id: db.id, type: 'database' } },
            at: ws.now(),
          },
        ];
      };
    default:
      return NONE;
  }
}
