import { floorToMinute } from '../time.js';
import type { WorkspaceData } from './generate.js';
import type { PageRecord } from './model.js';
import type { FoundBlock, PageContentStore } from './page-content-store.js';
import { pageById } from './record-lookup.js';
import type { SearchIndexed } from './visibility.js';
import { WorkspaceError } from './workspace-error.js';

/** Search snapshots kept per record (how far back search can lag). */
const HISTORY = 8;

/** What a mutation reaches into: the records, the page contents, the emulated clock. */
export interface MutationContext {
  readonly data: WorkspaceData;
  readonly store: PageContentStore;
  /** The emulated (time-scaled) clock. */
  now(): number;
  /** Counts a mutation (the workspace's revision, a cache key). */
  bumpRevision(): void;
}

/** A new `last_edited_time`: the emulated minute, never before the previous one. */
export function stamp(ctx: MutationContext, previous: number): number {
  return Math.max(previous, floorToMinute(ctx.now()));
}

/** Keeps the state search shows until its index catches up with this mutation. */
export function remember(ctx: MutationContext, record: SearchIndexed, existed = true): void {
  const history = record.searchHistory ?? [];
  history.push({ at: ctx.now(), edited: record.edited, inTrash: record.inTrash ?? false, existed });
  if (history.length > HISTORY) history.shift();
  record.searchHistory = history;
}

/** Marks a page edited now (by its creator unless `by` says otherwise). */
export function touchPage(ctx: MutationContext, page: PageRecord, by?: number): void {
  remember(ctx, page);
  page.edited = stamp(ctx, page.edited);
  page.editedBy = by ?? page.createdBy;
  ctx.bumpRevision();
}

export function requirePage(ctx: MutationContext, id: string): PageRecord {
  const page = pageById(ctx.data, id);
  if (!page) throw new WorkspaceError(`no page with id ${id}`);
  return page;
}

export function requireBlock(ctx: MutationContext, id: string): FoundBlock {
  const found = ctx.store.findBlock(id);
  if (!found) throw new WorkspaceError(`no block with id ${id}`);
  return found;
}
