import { floorToMinute } from '../time.js';
import type { SizePreset } from './model.js';

export interface WorkspaceOptions {
  /** PRNG seed: the same seed and options give the same workspace, ids included. Default 1. */
  seed?: number;
  /** Size preset; explicit knobs below override it. Default 'tiny'. */
  size?: SizePreset;
  /** Shared pages (standalone pages + data source rows). */
  pages?: number;
  /** Listed people (bots and a guest come on top). */
  users?: number;
  /** Data sources (spread over databases; the first database always has two). */
  dataSources?: number;
  /** Average blocks per page. */
  blocksPerPage?: number;
  /** Depth of the deepest block nesting (one page holds a chain this deep). Default 40. */
  maxDepth?: number;
  /** Targets of the big relation (one row relates to this many rows). Default 40. */
  relationTargets?: number;
  /** Pages not shared with the integration (404), some holding synced-block originals. */
  unsharedPages?: number;
  /** Share of pages that are standalone (the rest are data source rows). */
  standaloneShare?: number;
  /**
   * Every standalone page's ancestry leads to one of this many workspace-level pages (the rest
   * nest under them, several levels deep). Default: the generator's own mix (about a quarter at the
   * top level).
   */
  standaloneRoots?: number;
  /**
   * Share of child pages (seeded per page) whose child_page block sits inside a toggle or a column
   * of their parent page rather than at its top level; their API parent is that block
   * (`block_id`). Default 0.
   */
  childPagesInBlocks?: number;
  /**
   * Data sources search never returns: reachable only through a child_database block on a page
   * and/or as a sibling in their database's `data_sources`. Default 0.
   */
  hiddenDataSources?: number;
  /** Upper bound of every generated timestamp (epoch ms or Date); default real now floored to the minute. */
  now?: number | Date;
  workspaceName?: string;
}

export interface ResolvedWorkspaceOptions {
  seed: number;
  size: SizePreset;
  pages: number;
  users: number;
  dataSources: number;
  blocksPerPage: number;
  maxDepth: number;
  relationTargets: number;
  unsharedPages: number;
  standaloneShare: number;
  standaloneRoots: number | null;
  hiddenDataSources: number;
  childPagesInBlocks: number;
  now: number;
  workspaceName: string;
}

export const SIZE_PRESETS: Record<
  SizePreset,
  Omit<
    ResolvedWorkspaceOptions,
    | 'seed'
    | 'size'
    | 'now'
    | 'workspaceName'
    | 'maxDepth'
    | 'relationTargets'
    | 'standaloneRoots'
    | 'hiddenDataSources'
    | 'childPagesInBlocks'
  >
> = {
  tiny: { pages: 60, users: 4, dataSources: 3, blocksPerPage: 10, unsharedPages: 1, standaloneShare: 0.2 },
  small: { pages: 500, users: 20, dataSources: 8, blocksPerPage: 20, unsharedPages: 2, standaloneShare: 0.4 },
  medium: {
    pages: 2_000,
    users: 60,
    dataSources: 20,
    blocksPerPage: 30,
    unsharedPages: 4,
    standaloneShare: 0.4,
  },
  large: {
    pages: 10_000,
    users: 200,
    dataSources: 40,
    blocksPerPage: 40,
    unsharedPages: 10,
    standaloneShare: 0.4,
  },
};

export function resolveWorkspaceOptions(options: WorkspaceOptions = {}): ResolvedWorkspaceOptions {
  const size = options.size ?? 'tiny';
  const preset = SIZE_PRESETS[size];
  if (!preset) throw new Error(`unknown size preset: ${String(size)}`);
  const now =
    options.now === undefined
      ? Date.now()
      : options.now instanceof Date
        ? options.now.getTime()
        : options.now;
  const resolved: ResolvedWorkspaceOptions = {
    seed: options.seed ?? 1,
    size,
    pages: options.pages ?? preset.pages,
    users: options.users ?? preset.users,
    dataSources: options.dataSources ?? preset.dataSources,
    blocksPerPage: options.blocksPerPage ?? preset.blocksPerPage,
    maxDepth: options.maxDepth ?? 40,
    relationTargets: options.relationTargets ?? 40,
    unsharedPages: options.unsharedPages ?? preset.unsharedPages,
    standaloneShare: options.standaloneShare ?? preset.standaloneShare,
    standaloneRoots: options.standaloneRoots ?? null,
    hiddenDataSources: options.hiddenDataSources ?? 0,
    childPagesInBlocks: options.childPagesInBlocks ?? 0,
    now: floorToMinute(now),
    workspaceName: options.workspaceName ?? 'Emulated Workspace',
  };
  const checks: [keyof ResolvedWorkspaceOptions, number, number][] = [
    ['pages', 8, 1_000_000],
    ['users', 1, 100_000],
    ['dataSources', 3, 10_000],
    ['blocksPerPage', 0, 10_000],
    ['maxDepth', 1, 200],
    ['relationTargets', 0, 10_000],
    ['unsharedPages', 1, 100_000],
    ['hiddenDataSources', 0, Math.max(0, resolved.dataSources - 3)],
  ];
  if (resolved.standaloneRoots !== null) checks.push(['standaloneRoots', 2, 1_000_000]);
  for (const [key, min, max] of checks) {
    const value = resolved[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(
        `workspace option ${key} must be an integer in [${min}, ${max}], got ${String(value)}`,
      );
    }
  }
  if (!(resolved.childPagesInBlocks >= 0 && resolved.childPagesInBlocks <= 1))
    throw new RangeError('workspace option childPagesInBlocks must be in [0, 1]');
  if (!(resolved.standaloneShare > 0 && resolved.standaloneShare < 1)) {
    throw new RangeError('workspace option standaloneShare must be in (0, 1)');
  }
  return resolved;
}
