import type { StreamDocument } from '../stream-documents.js';
import type { NotionPage } from './page-objects.js';
import type { PageRecord, PageSweepView } from './page-state.js';
import type { ChildPageRef } from './walk-page-blocks.js';

/*
 * What a page stream gives runPageSweep: a handler that turns one page into documents. The sweep
 * decides which pages, in what order, and what the state remembers.
 */

/** A page to process in the second phase of a sweep. */
export interface PageWorkItem {
  id: string;
  /** The version to process; undefined when unknown (a pending page from older state). */
  lastEditedTime: string | undefined;
  /** The page object, when the sweep has it (the pages stream's listing results, pages checked by a scan). */
  page?: NotionPage | undefined;
  /** The page is in the trash, as far as the sweep knows (listing, scan, or the state of a pending page). */
  trashed: boolean;
  /** The parent page's id, when the parent is a page (known with `trackParents`). */
  parentPageId?: string | undefined;
  /**
   * When (clock ms) the data the handler works from was read: the listing's time for a page object
   * taken from it, else set when processing starts (before the handler's first request). Decides
   * whether the page's record is unsettled.
   */
  readAt?: number | undefined;
  /**
   * new/changed: found by discovery; child: found outside discovery (a child_page met in a tree,
   * a parent climbed to, a row found late; this sweep's or another's through the found-pages
   * channel); pending: from state; scan: known but missing from a full enumeration; vanished: a
   * known child page whose child_page block vanished from its parent's re-read tree (checked with
   * one GET, by this sweep or another); parent: re-read because a child page of it was edited,
   * trashed, restored or is gone (its child_page block changed, its edit time did not); signal: named
   * by a webhook event (a targeted sweep: see `signal`).
   */
  reason: 'new' | 'changed' | 'child' | 'pending' | 'scan' | 'vanished' | 'parent' | 'signal';
  /**
   * With reason 'signal', what the event named: 'page' (the page changed: checked with one GET,
   * skipped when the state has that version already) or 'comments' (its comments changed, which
   * moves nothing on the page: always processed).
   */
  signal?: 'page' | 'comments' | undefined;
  /** With reason 'vanished' (or 'scan'): the page answered 404 to the check (another sweep's GET). */
  gone?: boolean | undefined;
  /** With reason 'vanished': this sweep checks the page and publishes the result to the others. */
  announce?: boolean | undefined;
  /**
   * With reason 'parent': the child pages (ids) whose edit, trash, restore or disappearance queued
   * it. Their child_page blocks, at the top level of this page's tree, are what changed: the
   * parent's own last_edited_time did not move, so the rest of its tree is as it was processed.
   */
  childChanges?: string[] | undefined;
}

export interface PageOutcome {
  docs: StreamDocument[];
  /**
   * What to remember of the page: the ids captured under it (blocks, comments; none for pages),
   * or null to forget the page (it is gone).
   */
  record: { capturedIds?: readonly string[] | undefined } | null;
  /** The page version actually processed, when the handler fetched it itself. */
  page?: NotionPage | undefined;
  /** child_page blocks met: captured as pages of their own when nothing else finds them. */
  childPages?: ChildPageRef[] | undefined;
  /**
   * Known child pages whose child_page blocks vanished from this page's tree: each is checked
   * with one GET, and emitted (deleted, trashed, moved) by every page sweep that knows it.
   */
  vanishedPages?: string[] | undefined;
  /** Requests the handler made for this page (for the sweep's request counts), when it knows. */
  requests?: number | undefined;
}

export interface PageSweepHandler {
  /**
   * Optional: turns a listing result into documents at once (the pages stream: the listing
   * returns the whole page object). Return undefined to defer the page to `process` (with the
   * page object kept on the work item).
   */
  fromListing?(page: NotionPage, prior: PageRecord | undefined): PageOutcome | undefined;
  /**
   * The expensive work for one page (block tree, comments). Handles a 404 of the page itself.
   * `prior` is what the state remembers of the page; `view` reads the state of the others.
   */
  process(
    item: PageWorkItem,
    prior: PageRecord | undefined,
    signal: AbortSignal,
    view: PageSweepView,
  ): Promise<PageOutcome>;
  /** The documents for a page that is gone (404): deletions. */
  gone(id: string, prior: PageRecord | undefined): StreamDocument[];
  /**
   * Errors that must fail the sweep although isPageScopedError says otherwise (e.g. a 403 of the
   * comments endpoint: a capability the integration lacks, not a page it cannot read).
   */
  isFatal?(error: unknown): boolean;
}
