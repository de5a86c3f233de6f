import { createRandom, type Emulator } from '@source-notion/notion-emulator';
import { applyChange, leavesByPage, type PageChange, pick } from './page-changes.js';
import type { WorkspaceShape } from './workspace-shape.js';

/** Emulated milliseconds in a day. */
export const DAY_MS = 86_400_000;

/** Steady-state churn: `fraction` of the pages changed per emulated day, over `days` (emulated) days. */
export interface ChurnPlan {
  fraction: number;
  days: number;
  seed: number;
}

/** A change and when to make it: emulated ms after the churn starts. */
export interface TimedChange {
  atMs: number;
  change: PageChange;
}

/**
 * Plans `fraction` of the pages changed per day over `days` days (a fraction of a day too), one
 * change every day ÷ (pages × fraction), each page at most once over the whole plan. In every ten
 * changes: four property edits, two block edits, one append, one block deletion, one new page (a
 * child page of a standalone page, or a row of the page's data source) and one page moved to the
 * trash. A page without editable blocks gets a property edit instead of a block edit or deletion.
 */
export function planChurn(shape: WorkspaceShape, plan: ChurnPlan): TimedChange[] {
  const random = createRandom(plan.seed).next;
  const perDay = Math.max(1, Math.round(shape.pages.length * plan.fraction));
  const pages = pick(shape.pages, Math.round(perDay * plan.days), random);
  const leaves = leavesByPage(shape);
  return pages.map((pageId, i): TimedChange => {
    const atMs = Math.floor(((i + 0.5) / perDay) * DAY_MS);
    const pageLeaves = leaves.get(pageId) ?? [];
    const leaf = pageLeaves.length > 0 ? pageLeaves[Math.floor(random() * pageLeaves.length)] : undefined;
    const change = ((): PageChange => {
      switch (i % 10) {
        case 4:
        case 5:
          return leaf ? { op: 'editBlock', pageId, blockId: leaf.id } : { op: 'editPage', pageId };
        case 6:
          return { op: 'appendBlocks', pageId, count: 2 };
        case 7:
          return leaf ? { op: 'deleteBlock', pageId, blockId: leaf.id } : { op: 'editPage', pageId };
        case 8:
          return { op: 'addPage', pageId, parentId: shape.rowDataSources?.[pageId] ?? pageId };
        case 9:
          return { op: 'trashPage', pageId };
        default:
          return { op: 'editPage', pageId };
      }
    })();
    return { atMs, change };
  });
}

/** How a running churn stands. */
export interface ChurnStatus {
  planned: number;
  applied: number;
  failed: number;
  operations: Record<string, number>;
  /** The pages changed so far (for a new page: the page or data source it was added under). */
  changedPages: string[];
  /** The first few failures, for the report. */
  errors: string[];
}

/**
 * Makes the planned changes at their emulated times on the emulator's clock (a real timer per
 * change: `atMs ÷ timeScale` real ms from now). `stop()` cancels what is left.
 */
export function scheduleChurn(
  emulator: Emulator,
  changes: readonly TimedChange[],
  timeScale: number,
): { status: () => ChurnStatus; stop: () => void } {
  const status: ChurnStatus = {
    planned: changes.length,
    applied: 0,
    failed: 0,
    operations: {},
    changedPages: [],
    errors: [],
  };
  const timers = changes.map(({ atMs, change }) =>
    setTimeout(() => {
      try {
        applyChange(emulator, change);
        status.applied += 1;
        status.changedPages.push(change.pageId);
        status.operations[change.op] = (status.operations[change.op] ?? 0) + 1;
      } catch (error) {
        status.failed += 1;
        if (status.errors.length < 5)
          status.errors.push(
            `${change.op} ${change.pageId}: ${error instanceof Error ? error.message : String(error)}`,
          );
      }
    }, atMs / timeScale),
  );
  return {
    status: () => ({
      ...status,
      operations: { ...status.operations },
      changedPages: [...status.changedPages],
      errors: [...status.errors],
    }),
    stop: () => {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
