import { type MutationContext, remember, requirePage, stamp, touchPage } from './mutation-context.js';
import { dataSourceById, pageById } from './record-lookup.js';
import { WorkspaceError } from './workspace-error.js';

export interface EditPageChanges {
  title?: string;
}

/** Edits a page's properties (all derived values change) and optionally its title. */
export function editPage(ctx: MutationContext, id: string, changes: EditPageChanges = {}): void {
  const page = requirePage(ctx, id);
  page.rev++;
  if (changes.title !== undefined) page.title = changes.title;
  touchPage(ctx, page);
}

export function trashPage(ctx: MutationContext, id: string): void {
  const page = requirePage(ctx, id);
  if (page.inTrash) return;
  remember(ctx, page);
  page.inTrash = true;
  page.edited = stamp(ctx, page.edited);
  ctx.bumpRevision();
}

export function restorePage(ctx: MutationContext, id: string): void {
  const page = requirePage(ctx, id);
  if (!page.inTrash) return;
  remember(ctx, page);
  page.inTrash = false;
  page.edited = stamp(ctx, page.edited);
  ctx.bumpRevision();
}

/** Deletes a page for good: 404 from now on, like an unshared page. */
export function purgePage(ctx: MutationContext, id: string): void {
  const page = requirePage(ctx, id);
  page.purged = true;
  ctx.bumpRevision();
}

/** Stops sharing a page (and so its descendants) with the integration: 404. */
export function unsharePage(ctx: MutationContext, id: string): void {
  requirePage(ctx, id).shared = false;
  ctx.bumpRevision();
}

export function sharePage(ctx: MutationContext, id: string): void {
  requirePage(ctx, id).shared = true;
  ctx.bumpRevision();
}

/** Search will never return this page or data source (search is not exhaustive). */
export function hideFromSearch(ctx: MutationContext, id: string): void {
  const record = pageById(ctx.data, id) ?? dataSourceById(ctx.data, id);
  if (!record) throw new WorkspaceError(`no page or data source with id ${id}`);
  record.hiddenFromSearch = true;
  ctx.bumpRevision();
}
