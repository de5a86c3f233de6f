import { DAY_MS, HOUR_MS } from '../time.js';
import type { GenerationContext } from './generation-context.js';
import { ID_KIND } from './ids.js';
import type { DataSourceRecord, PageParent, PageRecord } from './model.js';
import type { ResolvedWorkspaceOptions } from './options.js';
import { EMOJIS, title as randomTitle } from './words.js';

/** Page indexes: [standalone][rows][unshared]. */
export interface PageLayout {
  /** Standalone pages: 0 to standalone - 1. */
  standalone: number;
  /** Data source rows: from standalone to unsharedFrom - 1. */
  rows: number;
  /** Targets of the big relation, lowered when there are too few rows. */
  relationTargets: number;
  /** Index of the first unshared page. */
  unsharedFrom: number;
  /** All pages. */
  total: number;
}

/** Creates page `idx` in `pages` and returns it. */
export type NewPage = (
  idx: number,
  parent: PageParent,
  created: number,
  pageTitle: string,
  isShared: boolean,
) => PageRecord;

/** How many pages of each kind: enough rows for every data source and the big relation. */
export function planPageLayout(options: ResolvedWorkspaceOptions): PageLayout {
  const shared = options.pages;
  const nDs = options.dataSources;
  let standalone = Math.max(6, Math.round(shared * options.standaloneShare));
  let rows = shared - standalone;
  let relationTargets = options.relationTargets;
  const minRows = 2 * (nDs - 1) + relationTargets + 2;
  if (rows < minRows) {
    relationTargets = Math.max(0, Math.min(relationTargets, rows - 2 * (nDs - 1) - 2));
    if (rows < 2 * nDs) {
      rows = 2 * nDs;
      standalone = Math.max(4, shared - rows);
    }
  }
  const unsharedFrom = standalone + rows;
  const total = unsharedFrom + options.unsharedPages;
  return { standalone, rows, relationTargets, unsharedFrom, total };
}

export function createPageFactory(
  ctx: GenerationContext,
  author: () => number,
  pages: PageRecord[],
): NewPage {
  const { options, rng, codec, now, time } = ctx;
  const blockTarget = (): number => Math.max(1, Math.round(options.blocksPerPage * (0.4 + 1.2 * rng.next())));
  return (idx, parent, created, pageTitle, isShared) => {
    const createdBy = author();
    const page: PageRecord = {
      idx,
      id: codec.encode(ID_KIND.page, idx),
      parent,
      title: pageTitle,
      created,
      edited: time(created, now),
      createdBy,
      editedBy: rng.chance(0.7) ? createdBy : author(),
      shared: isShared,
      inTrash: false,
      purged: false,
      hiddenFromSearch: false,
      rev: 0,
      blockTarget: options.blocksPerPage === 0 ? 0 : blockTarget(),
      childPageIdxs: [],
      childDatabaseIdxs: [],
    };
    if (rng.chance(0.4)) page.icon = rng.pick(EMOJIS);
    pages[idx] = page;
    return page;
  };
}

/**
 * Standalone pages, nested: 0 and 1 at the top level, 2 under 1, 3 under 2, then a random forest
 * (with `standaloneRoots`: pages 4 to roots + 1 at the top level, every later one nested).
 */
export function generateStandalonePages(
  ctx: GenerationContext,
  newPage: NewPage,
  pages: PageRecord[],
  layout: PageLayout,
): void {
  const { rng, now, yearAgo, time, options } = ctx;
  const roots = options.standaloneRoots;
  const atTop = (i: number): boolean => (roots === null ? rng.chance(0.25) : i < roots + 2);
  for (let i = 0; i < layout.standalone; i++) {
    let parentIdx: number | undefined;
    if (i === 2 || i === 3) parentIdx = i - 1;
    else if (i > 3 && !atTop(i))
      parentIdx = rng.chance(0.5) ? rng.int(Math.max(0, i - 8), i - 1) : rng.int(0, i - 1);
    const parentPage = parentIdx === undefined ? undefined : pages[parentIdx];
    const created = parentPage
      ? time(parentPage.created, parentPage.created + (now - parentPage.created) * 0.5)
      : time(yearAgo, yearAgo + 330 * DAY_MS);
    const page = newPage(
      i,
      parentPage ? { type: 'page', pageIdx: parentPage.idx } : { type: 'workspace' },
      created,
      i === 0 ? 'Home' : randomTitle(rng),
      true,
    );
    parentPage?.childPageIdxs.push(page.idx);
  }
}

/** Rows: Tasks gets the relation targets; every data source at least two rows. */
export function generateRows(
  ctx: GenerationContext,
  newPage: NewPage,
  dataSources: DataSourceRecord[],
  layout: PageLayout,
): void {
  const { rng, now, time } = ctx;
  const counts = dataSources.map((_, k) => (k === 1 ? layout.relationTargets + 2 : 2));
  let leftover = layout.rows - counts.reduce((a, b) => a + b, 0);
  const weights = dataSources.map(() => 0.2 + rng.next());
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const extra = weights.map((w) => Math.floor((leftover * w) / weightSum));
  extra.forEach((e, k) => {
    counts[k] = (counts[k] ?? 0) + e;
    leftover -= e;
  });
  counts[0] = (counts[0] ?? 0) + leftover;
  let next = layout.standalone;
  dataSources.forEach((ds, k) => {
    const uniqueProperty = ds.properties.find((p) => p.type === 'unique_id');
    for (let r = 0; r < (counts[k] ?? 0); r++) {
      const created = time(ds.created, now - HOUR_MS);
      const rowTitle = k === 1 ? `Task ${r + 1}: ${randomTitle(rng)}` : randomTitle(rng);
      const page = newPage(next++, { type: 'data_source', dataSourceIdx: k }, created, rowTitle, true);
      if (uniqueProperty) page.uniqueNumber = r + 1;
      ds.rowIdxs.push(page.idx);
    }
  });
}

/** Unshared pages at the top level: some hold synced originals referenced from shared pages. */
export function generateUnsharedPages(ctx: GenerationContext, newPage: NewPage, layout: PageLayout): void {
  const { rng, now, yearAgo, time } = ctx;
  for (let i = layout.unsharedFrom; i < layout.total; i++) {
    const page = newPage(
      i,
      { type: 'workspace' },
      time(yearAgo, now - DAY_MS),
      `Private ${randomTitle(rng)}`,
      false,
    );
    page.blockTarget = Math.min(page.blockTarget, 5);
    page.specials = { syncedOriginals: 1 };
  }
}
