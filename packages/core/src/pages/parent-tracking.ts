import { compactId, expandId } from '../notion-ids.js';
import type { PageLedger, PageRecord, ProcessedPage } from './page-state.js';
import type { PageWorkItem } from './sweep-handler.js';
import type { WorkQueue } from './work-queue.js';

/**
 * With `trackParents` (the blocks stream): a parent page shows each child page as a child_page
 * block (its title and edit time), which changes, or disappears, without the parent's own
 * last_edited_time moving. So when a known page is edited, trashed, restored or gone, its parent
 * page (when the state knows it, not in the trash) is queued once for a re-read (reason
 * 'parent'), recorded pending first; `childChanges` names every child that queued it while it
 * waited.
 */
export class ParentTracking {
  readonly #ledger: PageLedger;
  readonly #queue: WorkQueue;
  /** Parents queued for a re-read this sweep, by state key. */
  readonly #queued = new Map<string, PageWorkItem>();

  constructor(ledger: PageLedger, queue: WorkQueue) {
    this.#ledger = ledger;
    this.#queue = queue;
  }

  /**
   * After `item` was processed (`next`: its new record; null: it is gone): queues its parent when
   * the change shows in the parent. True when that added a page to the queue.
   */
  childProcessed(item: PageWorkItem, prior: PageRecord | undefined, next: ProcessedPage | null): boolean {
    if (prior === undefined) return false;
    const changed =
      next === null || next.lastEditedMinute !== prior.lastEditedMinute || next.trashed !== prior.trashed;
    if (!changed) return false;
    const parentKey =
      prior.parentKey ?? (next?.parentPageId === undefined ? undefined : compactId(next.parentPageId));
    if (parentKey === undefined) return false;
    const queuedParent = this.#queued.get(parentKey);
    if (queuedParent !== undefined && this.#queue.isQueued(parentKey)) {
      queuedParent.childChanges?.push(item.id);
      return false;
    }
    const parent = this.#ledger.record(parentKey);
    if (this.#queue.has(parentKey) || parent === undefined || parent.trashed) return false;
    const parentItem: PageWorkItem = {
      id: expandId(parentKey),
      lastEditedTime: parent.lastEditedTime,
      trashed: false,
      parentPageId: parent.parentPageId,
      reason: 'parent',
      childChanges: [item.id],
    };
    this.#queue.add(parentKey, parentItem);
    this.#queued.set(parentKey, parentItem);
    this.#ledger.markPending(parentKey);
    return true;
  }
}
