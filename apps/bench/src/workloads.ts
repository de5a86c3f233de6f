import type { StreamName } from '@source-notion/core';
import { type FaultKind, NOTION_LATENCY, type WebhookOptions } from '@source-notion/notion-emulator';
import type { ShapeRequirements } from './large-workspace.js';
import type { ContenderName, WorkloadKind } from './results.js';
import type { SteadySpec } from './run-steady.js';
import type { LatencySpec } from './webhook-latency.js';

/** Notion-like response times (emulated ms): the emulator's lognormal, median 350 ms, p99 2 s. */
export const LATENCY = NOTION_LATENCY;

/**
 * 2% of requests fail, spread over the failures Notion serves: 429 and 529 (Retry-After 2 s),
 * 500, 502 (JSON and HTML), 503, 504, connection resets and truncated bodies. ('slow', a response
 * held past a 60 s client timeout, is left out: client timeouts are real time, not scaled.)
 */
export const TWO_PERCENT_FAULTS: Readonly<Partial<Record<FaultKind, number>>> = {
  '429': 0.002,
  '529': 0.002,
  '500': 0.003,
  '502json': 0.002,
  '502html': 0.002,
  '503': 0.003,
  '504': 0.002,
  reset: 0.002,
  truncated: 0.002,
};

export interface WorkloadSpec {
  name: string;
  kind: WorkloadKind;
  description: string;
  /** Emulator workspace options (generator knobs). */
  workspace: Record<string, unknown>;
  /**
   * The emulator's model of Notion's real limits (`limits`: search position cap, cursor expiry,
   * search omissions, 25-reference computations); `false`: off. Absent: the emulator's defaults.
   */
  limits?: Record<string, unknown> | false;
  /**
   * Read what search returns before the sessions (search-probe.ts): the floor then counts both
   * search windows, the data source queries and one GET per page no listing returns.
   */
  searchProbe?: boolean;
  /** What the generated workspace must hold (checked as targets). */
  shapeRequirements?: ShapeRequirements;
  /** After the connector's backfill, a steady state of churn measured against the daily budget. */
  steady?: SteadySpec;
  /** Then (or, without `steady`, after the backfill) the same with webhooks on (SteadySpec.webhooks). */
  steadyWebhooks?: SteadySpec;
  /**
   * The connector's clock starts at the emulator's time in every session (SOURCE_NOTION_CLOCK_START),
   * so its schedules (deletion scans, the daily comment refresh, the daily restart) carry on across
   * sessions as they would against Notion.
   */
  emulatorClock?: boolean;
  deepen?: { pages: number; depth: number };
  /** Per-token budget; null: no limit (the connector is told the config maximum). */
  rpm: number | null;
  timeScale: number;
  /**
   * The sequential baseline's time scale when it differs (its own emulator). Its real cost per
   * request counts × scale in emulated time, so it runs on one scale everywhere.
   */
  baselineTimeScale?: number;
  latency: false | { medianMs: number; p99Ms: number };
  /**
   * The API costs next to no CPU: the emulator replays its answers to repeated requests (its
   * response cache), filled by an unmeasured warm-up session of each contender before the measured
   * one. On this machine the emulator shares the cores with the contender; without this, its own
   * rendering would be measured as the contender's overhead.
   */
  instantApi?: boolean;
  faults?: Readonly<Partial<Record<FaultKind, number>>>;
  contenders: readonly ContenderName[];
  /** After the backfill, change this share of the pages and measure a second session as its own workload. */
  incremental?: { name: string; description: string; fraction: number };
  /** Real seconds before a session is abandoned. */
  timeoutSeconds: number;
  /** The connector's bindings (default: the six the request floor covers). */
  streams?: readonly StreamName[];
  /**
   * After the connector's backfill, a backfill of the same workspace with only the blocks binding,
   * measured as its own workload: what a block walk costs next to `streams`.
   */
  blocksComparison?: { name: string; description: string };
  /**
   * The connector also captures one typed rows binding per data source (`rows.<id>`). A workload
   * named `<base>-typed` is measured against `<base>`: the same requests, CPU within 15%.
   */
  typedRows?: boolean;
}

export type BenchMode = 'quick' | 'full';

/** Notion-like delivery: within about a minute, aggregated, a few duplicates, some out of order. */
export const BENCH_WEBHOOKS = {
  delayMs: 30_000,
  aggregateMs: 30_000,
  duplicateRate: 0.02,
  reorder: 0.1,
} as const satisfies Omit<WebhookOptions, 'url'>;

/**
 * Latency from a mutation to its document on the connector's stdout, webhooks on vs polling alone
 * (webhook-latency.ts). Webhooks on runs at a low time scale, so that the connector's own
 * milliseconds of work stay small in emulated time; polling alone waits minutes to a day, at a high
 * one. Quick: the tiny workspace, three samples of each kind.
 */
export function webhookLatency(mode: BenchMode): LatencySpec {
  const quick = mode === 'quick';
  return {
    name: 'webhook-latency',
    description: `latency from a mutation (a page edit, a new comment, a page moved to the trash; one every 45 emulated seconds) to its document on stdout, on a ${quick ? 'tiny' : 'small'} workspace at 180 requests/minute, webhooks on (delivered after 30 s, aggregated over 30 s) vs polling alone (the connector's default intervals)`,
    workspace: quick ? { size: 'tiny', seed: 15 } : { size: 'small', seed: 15 },
    rpm: 180,
    samplesPerKind: quick ? 3 : 8,
    spacingMs: 45_000,
    on: { timeScale: quick ? 20 : 10, webhooks: BENCH_WEBHOOKS, maxWaitMs: 10 * 60_000 },
    off: { timeScale: quick ? 1_440 : 300, maxWaitMs: 26 * 3_600_000 },
    timeoutSeconds: quick ? 600 : 1_800,
  };
}

/** The config maximum of `advanced.requests_per_minute`: what the connector is told without a limit. */
export const UNLIMITED_RPM = 10_000;

/**
 * The workloads. Every request costs real CPU (about 1 ms in the emulator, a few in the
 * contender) and at time scale k that cost counts k times in emulated time, so the scales keep
 * the real request rate at the budget near 150/s on a 2-core machine running the emulator, the
 * contender and the bench. Quick runs go faster and are noisier.
 */
export function workloads(mode: BenchMode): WorkloadSpec[] {
  const quick = mode === 'quick';
  const both = ['connector', 'baseline'] as const;
  // Quick: the same workloads a size down (tiny: 60 pages; 200 pages of the small preset).
  const small = quick ? { size: 'tiny', seed: 11 } : { size: 'small', seed: 11 };
  const medium = quick ? { size: 'small', pages: 150, seed: 12 } : { size: 'medium', seed: 12 };
  const mediumName = quick ? 'small (150 pages)' : 'medium';
  // Real requests per second at the budget: rpm / 60 × scale. Full: 120 and 150; quick: 180 and 300.
  const scale180 = quick ? 60 : 40;
  const scale600 = quick ? 30 : 15;
  // These workloads predate the emulator's model of Notion's real limits: they run without it, as
  // they always have, so their figures stay comparable (large-workspace runs with the limits).
  const classic: WorkloadSpec[] = [
    {
      name: 'backfill-small-180',
      kind: 'backfill',
      description: `backfill of a ${small.size} workspace at 180 requests/minute`,
      workspace: small,
      rpm: 180,
      timeScale: scale180,
      latency: LATENCY,
      contenders: both,
      timeoutSeconds: 600,
    },
    {
      name: 'backfill-medium-180',
      kind: 'backfill',
      description: `backfill of a ${mediumName} workspace at 180 requests/minute`,
      workspace: medium,
      rpm: 180,
      timeScale: scale180,
      latency: LATENCY,
      contenders: both,
      incremental: {
        name: 'incremental-medium-1pct',
        description: `incremental sweep of the ${mediumName} workspace after 1% of its pages changed, 180 requests/minute`,
        fraction: 0.01,
      },
      timeoutSeconds: 900,
    },
    {
      name: 'backfill-medium-600',
      kind: 'backfill',
      description: `backfill of a ${mediumName} workspace at 600 requests/minute`,
      workspace: medium,
      rpm: 600,
      timeScale: scale600,
      baselineTimeScale: scale180,
      latency: LATENCY,
      contenders: both,
      timeoutSeconds: 900,
    },
    {
      name: 'deep-nesting-180',
      kind: 'backfill',
      description:
        'backfill of a deep-nesting workspace (toggle chains 30 levels deep in 10% of pages, one 120 deep)',
      workspace: { ...small, seed: 13, maxDepth: 120 },
      deepen: { pages: quick ? 6 : 50, depth: 30 },
      rpm: 180,
      timeScale: scale180,
      latency: LATENCY,
      contenders: both,
      timeoutSeconds: 600,
    },
    {
      name: 'faults-medium-180',
      kind: 'faults',
      description: `backfill of the ${mediumName} workspace at 180 requests/minute with 2% injected faults`,
      workspace: medium,
      rpm: 180,
      timeScale: scale180,
      latency: LATENCY,
      faults: TWO_PERCENT_FAULTS,
      contenders: both,
      timeoutSeconds: 900,
    },
    {
      name: 'overhead',
      kind: 'overhead',
      description: `overhead: the ${mediumName} workspace with no rate limit and no latency`,
      workspace: medium,
      rpm: null,
      // Only the connector's limiter runs on the scaled clock here: 10,000/min × 20 is never reached.
      timeScale: 20,
      latency: false,
      instantApi: true,
      contenders: both,
      timeoutSeconds: 600,
    },
    {
      name: quick ? 'overhead-memory-10k' : 'overhead-memory-400k',
      kind: 'overhead-memory',
      description: quick
        ? 'peak memory capturing ~10k blocks with the API instant (400k in a full run)'
        : 'peak memory capturing ~400k blocks with the API instant',
      workspace: quick ? { size: 'small', seed: 14 } : { size: 'large', seed: 14 },
      rpm: null,
      timeScale: 20,
      latency: false,
      contenders: ['connector'],
      timeoutSeconds: 900,
    },
  ];
  // The same two workloads with a typed rows binding per data source: no request more, CPU within 15%.
  const typedVariants = classic
    .filter((spec) => ['backfill-small-180', 'overhead'].includes(spec.name))
    .map(typed);
  return [
    ...[...classic, ...typedVariants].map((spec) => ({ ...spec, limits: false as const })),
    largeWorkspace(quick),
    pageMarkdown(quick, scale180),
  ];
}

/** The typed rows variant of a workload: the same workspace, the connector alone, a binding per data source. */
function typed(spec: WorkloadSpec): WorkloadSpec {
  return {
    ...spec,
    name: `${spec.name}-typed`,
    description: `${spec.description}, with a typed rows binding per data source`,
    contenders: ['connector'],
    typedRows: true,
  };
}

/**
 * Records the Markdown endpoint loads per request in the page-markdown workload. Notion's is about
 * 20,000 blocks, which no page of the bench's workspaces reaches: a lower limit makes the longest
 * pages come back truncated (about 6% of the small preset's pages at 30, 5% of the tiny one's at
 * 15), so the workload also measures completing them through `unknown_block_ids`.
 */
export function benchMarkdownRecordLimit(mode: BenchMode): number {
  return mode === 'quick' ? 15 : 30;
}

/**
 * Issue 14: a backfill with only the page_markdown binding (its requests against one per page plus
 * one per unknown block), then a backfill of the same workspace with only the blocks binding (the
 * block walk the Markdown replaces). Search lists every page here (a page_markdown binding alone
 * does not walk trees, so it finds no page that only a tree leads to; README).
 */
function pageMarkdown(quick: boolean, timeScale: number): WorkloadSpec {
  const workspace = quick ? { size: 'tiny', seed: 15 } : { size: 'small', seed: 15 };
  const recordLimit = benchMarkdownRecordLimit(quick ? 'quick' : 'full');
  return {
    name: 'page-markdown',
    kind: 'markdown-backfill',
    description: `backfill of a ${workspace.size} workspace with only the page_markdown binding at 180 requests/minute (record limit ${recordLimit}: the longest pages are truncated and completed through unknown_block_ids)`,
    workspace,
    limits: {
      searchOmitPageRate: 0,
      searchOmitDataSourceRate: 0,
      computedReferenceLimit: null,
      markdownRecordLimit: recordLimit,
    },
    streams: ['page_markdown'],
    blocksComparison: {
      name: 'page-markdown-blocks',
      description: `backfill of the same ${workspace.size} workspace with only the blocks binding (the block walk), 180 requests/minute`,
    },
    rpm: 180,
    timeScale,
    latency: LATENCY,
    contenders: ['connector'],
    timeoutSeconds: 600,
  };
}

/**
 * The large workspace (issue 12): more pages than search can list, with Notion's limits on
 * (search capped at 11,200 results, cursors expiring 60 emulated seconds after their listing
 * began, search leaving out some pages and data sources), few blocks a page so that its ~120,000
 * requests take about 16 real minutes at ×40 (120 real requests/s at the budget, as the other
 * 180/min workloads). Then 1% churn a day with the connector at its default intervals for half a day
 * and the measured day, at ×200 (a day in 7.2 real minutes; 20% of the budget is 120 real
 * requests/s). Connector only: the
 * sequential baseline would take hours. Quick: 3,000 pages under a cap of 600 (the same share
 * of the pages within reach of search), the days at ×1,440.
 */
function largeWorkspace(quick: boolean): WorkloadSpec {
  const pages = quick ? 3_000 : 52_000;
  const roots = quick ? 10 : 80;
  const hidden = quick ? 2 : 4;
  const cap = quick ? 600 : 11_200;
  const standaloneShare = 0.42;
  return {
    name: 'large-workspace',
    kind: 'large-backfill',
    description: `backfill of a ${pages.toLocaleString('en-US')}-page workspace (${Math.round(pages * standaloneShare).toLocaleString('en-US')} standalone pages under ${roots} roots, the rest rows of 24 data sources, ${hidden} of them only under a child_database block) at 180 requests/minute, search capped at ${cap.toLocaleString('en-US')} results, cursors expiring after 60 emulated seconds`,
    workspace: {
      seed: 21,
      pages,
      standaloneShare,
      // Emulator knobs of the emu lane (issue 12): every standalone page under one of N roots, and
      // data sources search never returns (reachable through a child_database block or their database).
      standaloneRoots: roots,
      hiddenDataSources: hidden,
      dataSources: 24,
      blocksPerPage: 2,
      users: quick ? 20 : 60,
      unsharedPages: quick ? 4 : 10,
    },
    limits: { searchPositionCap: cap, cursorTtlSeconds: 60 },
    searchProbe: true,
    emulatorClock: true,
    shapeRequirements: {
      pages: quick ? 3_000 : 50_000,
      standalone: quick ? 1_200 : 20_000,
      maxRoots: quick ? 10 : 100,
      rows: quick ? 1_700 : 30_000,
      dataSources: 20,
      unsearchedDataSources: 1,
      searchCapped: true,
    },
    rpm: 180,
    timeScale: quick ? 60 : 40,
    latency: LATENCY,
    contenders: ['connector'],
    steadyWebhooks: {
      name: 'large-workspace-steady-webhooks',
      description: `the same churn with webhooks on (the emulator delivers its events 30 s after each change, aggregated over 30 s, 2% duplicated, 10% out of order, to the connector's listener), the connector at its default intervals, 180 requests/minute`,
      fraction: 0.01,
      warmupDays: 0.5,
      days: 1,
      timeScale: quick ? 1_440 : 200,
      timeoutSeconds: quick ? 600 : 1_800,
      webhooks: BENCH_WEBHOOKS,
      settleMs: 10 * 60_000,
    },
    steady: {
      name: 'large-workspace-steady-1pct',
      description: `a day of 1% churn a day on the large workspace (edits, new pages, pages moved to the trash, spread over the day), the connector at its default intervals, 180 requests/minute`,
      fraction: 0.01,
      warmupDays: 0.5,
      days: 1,
      timeScale: quick ? 1_440 : 200,
      timeoutSeconds: quick ? 600 : 1_800,
    },
    timeoutSeconds: quick ? 900 : 3_600,
  };
}
