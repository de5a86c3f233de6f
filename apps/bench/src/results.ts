import type { FloorBreakdown } from './floor.js';
import type { CaptureComparison } from './workspace-shape.js';

export type ContenderName = 'connector' | 'baseline';

/** What one contender did on one workload. */
export interface RunResult {
  contender: ContenderName;
  /** Emulated time ran this many times faster than real time during the session. */
  timeScale: number;
  /** False when the process failed (non-zero exit, protocol error, timeout). */
  ok: boolean;
  error?: string | undefined;
  /** Real seconds from spawn until the measured sweep was done. */
  realSeconds: number;
  /** Real seconds from spawn to the first request (process start-up, config, setup). */
  startupSeconds: number;
  /** Emulated seconds from the first request until the sweep was done: what a capture against Notion would take. */
  wallSeconds: number;
  /** HTTP requests the emulator answered for this contender during the measured session. */
  requests: number;
  /** 429 responses received (rate limiter and injected). */
  rateLimited: number;
  /** 429s from the per-token budget (not injected) after the first emulated minute. */
  rateLimitedAfterFirstWindow: number;
  /** Faults the emulator injected. */
  faults: number;
  peakRssBytes: number;
  cpuSeconds: number;
  /** `captured` lines (documents and deletions) of the measured session. */
  documents: number;
  /** Documents per real second through the protocol (from the first request to done). */
  documentsPerSecond: number;
  comparison: CaptureComparison;
  /** Anything the contender reported that helps explain the numbers (limiter counters, …). */
  notes?: Record<string, unknown> | undefined;
}

export interface WorkloadResult {
  name: string;
  description: string;
  /** Per-token budget; null: no limit (overhead mode). */
  requestsPerMinute: number | null;
  /** The connector's time scale (a run's own is in the run). */
  timeScale: number;
  workspace: { pages: number; blocks: number; users: number; dataSources: number; comments: number };
  /** The minimum requests: the floor for a backfill, the minimum for the changed pages on an incremental sweep. */
  minimum: FloorBreakdown;
  /** minimum.total ÷ budget, in seconds; null without a limit. */
  floorSeconds: number | null;
  runs: RunResult[];
  /** Relative path of the chart, when one was drawn. */
  chart?: string | undefined;
}

export interface Target {
  name: string;
  value: number | null;
  limit: number;
  /** How value compares to limit for the target to hold. */
  op: '<=' | '<' | '>=' | '==';
  met: boolean;
}

export function wallOverFloor(workload: WorkloadResult, run: RunResult): number | null {
  return workload.floorSeconds ? run.wallSeconds / workload.floorSeconds : null;
}

export function requestsOverMinimum(workload: WorkloadResult, run: RunResult): number {
  return run.requests / workload.minimum.total;
}

export function cpuSecondsPer1kDocuments(run: RunResult): number | null {
  return run.documents > 0 ? (run.cpuSeconds / run.documents) * 1000 : null;
}

/** Documents that differ from the ground truth (missing + extra, every collection). */
export function documentMismatches(run: RunResult): number {
  return Object.values(run.comparison.collections).reduce((sum, c) => sum + c.missing + c.extra, 0);
}

function check(name: string, value: number | null | undefined, op: Target['op'], limit: number): Target {
  const v = value ?? null;
  let met = false;
  if (v !== null && Number.isFinite(v)) {
    if (op === '<=') met = v <= limit;
    else if (op === '<') met = v < limit;
    else if (op === '>=') met = v >= limit;
    else met = v === limit;
  }
  return { name, value: v, limit, op, met };
}

function round(value: number | null, digits = 3): number | null {
  if (value === null) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export type WorkloadKind = 'backfill' | 'incremental' | 'faults' | 'overhead' | 'overhead-memory' | 'other';

/**
 * The targets of issue 6, evaluated on the connector's runs. A run that failed misses every target
 * it takes part in (its value is still reported).
 */
export function evaluateTargets(workloads: ReadonlyArray<WorkloadResult & { kind: WorkloadKind }>): Target[] {
  const targets: Target[] = [];
  for (const workload of workloads) {
    const run = workload.runs.find((r) => r.contender === 'connector');
    if (!run) continue;
    const ok = (t: Target): Target => (run.ok ? t : { ...t, met: false });
    const w = workload.name;
    if (workload.kind === 'backfill') {
      targets.push(ok(check(`${w}: wall ÷ floor`, round(wallOverFloor(workload, run)), '<=', 1.1)));
      targets.push(
        ok(check(`${w}: requests ÷ minimum`, round(requestsOverMinimum(workload, run)), '<=', 1.05)),
      );
      targets.push(
        ok(check(`${w}: own 429s after the first window`, run.rateLimitedAfterFirstWindow, '==', 0)),
      );
    } else if (workload.kind === 'incremental') {
      targets.push(
        ok(
          check(
            `${w}: requests ÷ minimum for the changed pages`,
            round(requestsOverMinimum(workload, run)),
            '<=',
            1.1,
          ),
        ),
      );
    } else if (workload.kind === 'faults') {
      targets.push(ok(check(`${w}: wall ÷ floor`, round(wallOverFloor(workload, run)), '<=', 1.25)));
    } else if (workload.kind === 'overhead') {
      targets.push(ok(check(`${w}: documents per second`, Math.round(run.documentsPerSecond), '>=', 10_000)));
    } else if (workload.kind === 'overhead-memory') {
      targets.push(ok(check(`${w}: peak RSS (MB)`, round(run.peakRssBytes / 2 ** 20, 1), '<', 200)));
    }
    targets.push(ok(check(`${w}: documents differing from ground truth`, documentMismatches(run), '==', 0)));
  }
  return targets;
}
