import { performance } from 'node:perf_hooks';
import type { StreamName } from '@source-notion/core';
import type { EmulatorHandle } from './emulator-handle.js';
import { launchEmulator } from './emulator-handle.js';
import type { RequestRecord } from './emulator-protocol.js';
import {
  backfillFloor,
  blocksOnlyFloor,
  type FloorBreakdown,
  floorSeconds,
  incrementalFloor,
  markdownFloor,
} from './floor.js';
import { shapeChecks, shapeFigures } from './large-workspace.js';
import { sampleProcess } from './proc-stats.js';
import type { ContenderName, RunResult, WorkloadKind, WorkloadResult } from './results.js';
import {
  runBaselineSession,
  runConnectorSession,
  type SessionOutcome,
  type Target,
} from './run-contender.js';
import { runSteady } from './run-steady.js';
import { UNLIMITED_RPM, type WorkloadSpec } from './workloads.js';
import { compareCapture, expectedIds, FLOOR_STREAMS, type WorkspaceShape } from './workspace-shape.js';

/** The budget window: 429s after the first one are the connector's own burst beyond the budget. */
const WINDOW_MS = 60_000;

export interface BenchContext {
  connectorBundle: string | undefined;
  baselineBundle: string;
  /** The emulator process bundle (buildEmulatorBundle); from source through tsx when absent. */
  emulatorBundle?: string;
  /** Extra node flags for the connector (profiling). */
  connectorNodeArgs: readonly string[];
  log: (message: string) => void;
}

/** Requests of one session, as times (emulated seconds since it began) for the charts. */
export interface SessionTrace {
  contender: ContenderName;
  requestTimes: number[];
  rateLimitedTimes: number[];
}

export interface MeasuredWorkload extends WorkloadResult {
  kind: WorkloadKind;
  traces: SessionTrace[];
}

interface SessionMeasure {
  result: RunResult;
  trace: SessionTrace;
}

/** Where the emulator's log stood when a session began: its index, emulated time, and bench time. */
interface SessionMark {
  index: number;
  at: number;
  /** performance.now() when the mark was taken. */
  perf: number;
}

/**
 * Figures of one session. Wall time runs from the contender's first request to the end of its
 * sweep, in emulated time: process start-up is left out because at time scale k it would count k
 * times over (it is reported in real seconds as `startupSeconds`).
 */
export function measure(
  contender: ContenderName,
  outcome: SessionOutcome,
  records: readonly RequestRecord[],
  mark: SessionMark,
  timeScale: number,
  truth: WorkspaceShape,
  streams: readonly StreamName[] = FLOOR_STREAMS,
): SessionMeasure {
  const { run, reducer } = outcome;
  const relative = (r: RequestRecord) => (r.at - mark.at) / 1000;
  const limited = records.filter((r) => r.status === 429);
  const doneAt = mark.at + (run.doneAt - mark.perf) * timeScale;
  const firstAt = records[0]?.at ?? doneAt;
  const wallSeconds = Math.max(0, doneAt - firstAt) / 1000;
  const activeRealSeconds = wallSeconds / timeScale;
  const busyRealMs = records.reduce((sum, r) => sum + r.durationMs, 0);
  const result: RunResult = {
    contender,
    timeScale,
    ok: run.ok && reducer.pending === 0,
    error:
      run.error ??
      (reducer.pending > 0 ? `${reducer.pending} documents after the last checkpoint` : undefined),
    realSeconds: run.realSeconds,
    startupSeconds: Math.max(0, run.realSeconds - activeRealSeconds),
    wallSeconds,
    requests: records.length,
    rateLimited: limited.length,
    rateLimitedAfterFirstWindow: limited.filter((r) => r.fault === undefined && r.at - firstAt > WINDOW_MS)
      .length,
    faults: records.filter((r) => r.fault !== undefined).length,
    peakRssBytes: run.sample.peakRssBytes,
    cpuSeconds: run.sample.cpuSeconds,
    documents: outcome.documentsAtDone,
    documentsPerSecond: activeRealSeconds > 0 ? outcome.documentsAtDone / activeRealSeconds : 0,
    comparison: compareCapture(reducer.collections, expectedIds(truth), streams, truth.rowDataSources),
    notes: {
      requestsByRoute: countBy(records, (r) => r.route ?? '(other)'),
      // Requests per 60 s of emulated time from the first request: how the budget was used.
      requestsPerMinute: perWindow(records, firstAt),
      // Requests in flight at the emulator on average (real response times over real wall time).
      meanInFlight: activeRealSeconds > 0 ? Number((busyRealMs / 1000 / activeRealSeconds).toFixed(2)) : null,
      ...(Object.keys(outcome.sweeps).length > 0 ? { sweeps: outcome.sweeps } : {}),
      ...(run.ok ? {} : { stderrTail: run.stderrTail.slice(-5) }),
    },
  };
  return {
    result,
    trace: {
      contender,
      requestTimes: records.map(relative),
      rateLimitedTimes: limited.map(relative),
    },
  };
}

function perWindow(records: readonly RequestRecord[], startAt: number): number[] {
  const counts: number[] = [];
  for (const r of records) {
    const i = Math.max(0, Math.floor((r.at - startAt) / WINDOW_MS));
    while (counts.length <= i) counts.push(0);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

async function takeMark(emulator: EmulatorHandle): Promise<SessionMark> {
  const mark = await emulator.mark();
  return { ...mark, perf: performance.now() };
}

function workspaceFigures(shape: WorkspaceShape): WorkloadResult['workspace'] {
  return {
    pages: shape.pages.length,
    blocks: shape.blocks.length,
    users: shape.users.length,
    dataSources: shape.dataSources.length,
    comments: shape.comments.length,
  };
}

function emptyWorkload(
  spec: WorkloadSpec,
  name: string,
  kind: WorkloadKind,
  description: string,
  shape: WorkspaceShape,
  minimum: FloorBreakdown,
): MeasuredWorkload {
  return {
    name,
    kind,
    description,
    requestsPerMinute: spec.rpm,
    timeScale: spec.timeScale,
    workspace: workspaceFigures(shape),
    minimum,
    floorSeconds: floorSeconds(minimum.total, spec.rpm),
    runs: [],
    traces: [],
  };
}

async function session(
  contender: ContenderName,
  spec: WorkloadSpec,
  timeScale: number,
  emulator: EmulatorHandle,
  context: BenchContext,
  previous: SessionOutcome | undefined,
  streams?: readonly string[],
): Promise<SessionOutcome> {
  const target: Target = {
    url: emulator.url,
    token: emulator.token,
    requestsPerMinute: spec.rpm ?? UNLIMITED_RPM,
    timeScale,
  };
  const timeoutMs = spec.timeoutSeconds * 1000;
  if (contender === 'baseline')
    return runBaselineSession({ bundle: context.baselineBundle, target, timeoutMs });
  if (!context.connectorBundle) throw new Error('no connector bundle');
  const clockStartMs = spec.emulatorClock ? (await emulator.mark()).at : undefined;
  return runConnectorSession({
    clockStartMs,
    bundle: context.connectorBundle,
    target,
    state: previous?.reducer.state ?? {},
    collections: previous?.reducer.collections,
    timeoutMs,
    nodeArgs: context.connectorNodeArgs,
    streams: streams ?? spec.streams,
  });
}

/**
 * Runs a workload: one emulator process, each contender's backfill in turn on fresh rate-limit
 * windows; for a workload with an incremental follow-up, then changes the pages and runs each
 * contender's second session (the connector resuming from its merged state, the baseline
 * re-walking everything).
 */
export async function runWorkload(spec: WorkloadSpec, context: BenchContext): Promise<MeasuredWorkload[]> {
  const contenders = spec.contenders.filter(
    (c) => c !== 'connector' || context.connectorBundle !== undefined,
  );
  // Contenders on different time scales get their own emulator (same seed, same workspace).
  const groups = new Map<number, ContenderName[]>();
  for (const contender of contenders) {
    const scale = timeScaleOf(spec, contender);
    groups.set(scale, [...(groups.get(scale) ?? []), contender]);
  }
  let backfill: MeasuredWorkload | undefined;
  let incremental: MeasuredWorkload | undefined;
  let steady: MeasuredWorkload | undefined;
  let blocksComparison: MeasuredWorkload | undefined;
  const markdown = spec.streams?.includes('page_markdown') === true;
  let steadyWebhooks: MeasuredWorkload | undefined;
  for (const [timeScale, group] of groups) {
    const emulator = await launchEmulator(
      {
        workspace: spec.workspace,
        rpm: spec.rpm,
        timeScale,
        latency: spec.latency,
        faults: spec.faults ? { rates: spec.faults } : undefined,
        seed: Number(spec.workspace.seed ?? 1),
        deepen: spec.deepen,
        responseCache: spec.instantApi === true,
        ...(spec.limits === undefined ? {} : { limits: spec.limits }),
      },
      context.emulatorBundle,
    );
    try {
      const shape = await emulator.shape({ probeSearch: spec.searchProbe === true, markdown });
      if (!backfill) {
        const floor = markdown ? markdownFloor(shape) : backfillFloor(shape);
        backfill = emptyWorkload(spec, spec.name, spec.kind, spec.description, shape, floor);
        if (spec.shapeRequirements) {
          const figures = shapeFigures(shape);
          context.log(`${spec.name}: workspace ${JSON.stringify(figures)}`);
          backfill.shapeChecks = shapeChecks(spec.name, figures, spec.shapeRequirements);
        }
      }
      const firstSessions = new Map<ContenderName, SessionOutcome>();
      for (const contender of group) {
        context.log(
          `${spec.name}: ${contender} (${shape.pages.length} pages, ${shape.blocks.length} blocks, ×${timeScale})…`,
        );
        firstSessions.set(
          contender,
          await measuredSession(contender, spec, timeScale, emulator, context, undefined, shape, backfill),
        );
      }
      const connectorBackfill = firstSessions.get('connector');
      if (spec.blocksComparison && connectorBackfill) {
        const { name, description } = spec.blocksComparison;
        blocksComparison = emptyWorkload(
          spec,
          name,
          'blocks-comparison',
          description,
          shape,
          blocksOnlyFloor(shape),
        );
        context.log(`${name}: connector, blocks binding only (${shape.pages.length} pages, ×${timeScale})…`);
        const blocksOnly = { ...spec, streams: ['blocks'] as const };
        await measuredSession(
          'connector',
          blocksOnly,
          timeScale,
          emulator,
          context,
          undefined,
          shape,
          blocksComparison,
        );
      }
      // Webhooks on first, from the backfill: its capture is compared with the ground truth, so it
      // must not inherit what polling alone leaves for its next deletion scan (pages moved to the
      // trash). The polling day then carries on from the state the webhooks day left.
      const days = [spec.steadyWebhooks, spec.steady].filter((d) => d !== undefined);
      if (days.length > 0 && connectorBackfill && !connectorBackfill.run.ok)
        context.log(`${days.map((d) => d.name).join(', ')}: skipped (the backfill failed)`);
      else if (connectorBackfill) {
        let last = connectorBackfill;
        for (const day of days) {
          const measured = await runSteady({ ...spec, steady: day }, emulator, context, last);
          if (day.webhooks) steadyWebhooks = measured.workload;
          else steady = measured.workload;
          last = measured.last;
        }
      }
      if (!spec.incremental) continue;

      // The same seed and workspace give the same plan: every group changes the same pages.
      const mutation = await emulator.mutate({ fraction: spec.incremental.fraction, seed: 7 });
      const after = await emulator.shape();
      const changed = new Set(mutation.changedPages);
      const operations = Object.entries(mutation.operations)
        .map(([op, n]) => `${n} ${op}`)
        .join(', ');
      incremental ??= emptyWorkload(
        spec,
        spec.incremental.name,
        'incremental',
        `${spec.incremental.description} (${changed.size} pages: ${operations})`,
        after,
        incrementalFloor(after, changed),
      );
      for (const contender of group) {
        context.log(`${spec.incremental.name}: ${contender} (${changed.size} pages changed: ${operations})…`);
        const previous = firstSessions.get(contender);
        await measuredSession(contender, spec, timeScale, emulator, context, previous, after, incremental);
      }
    } finally {
      await emulator.close();
    }
  }
  return [backfill, blocksComparison, incremental, steady, steadyWebhooks].filter(
    (w): w is MeasuredWorkload => w !== undefined,
  );
}

function timeScaleOf(spec: WorkloadSpec, contender: ContenderName): number {
  return contender === 'baseline' ? (spec.baselineTimeScale ?? spec.timeScale) : spec.timeScale;
}

/** One session on a fresh rate-limit window, measured into `workload`. */
async function measuredSession(
  contender: ContenderName,
  spec: WorkloadSpec,
  timeScale: number,
  emulator: EmulatorHandle,
  context: BenchContext,
  previous: SessionOutcome | undefined,
  truth: WorkspaceShape,
  workload: MeasuredWorkload,
): Promise<SessionOutcome> {
  // With typedRows, a typed rows binding per data source beside the workload's streams.
  const typed =
    contender === 'connector' && spec.typedRows ? truth.dataSources.map((id) => `rows.${id}`) : [];
  const bindings = typed.length > 0 ? [...(spec.streams ?? FLOOR_STREAMS), ...typed] : undefined;
  if (spec.instantApi) {
    // Fills the emulator's response cache with this contender's own requests; not measured.
    context.log(`  ${contender}: warm-up session (fills the emulator's response cache)…`);
    await emulator.resetRateLimits();
    const warm = await session(contender, spec, timeScale, emulator, context, previous, bindings);
    if (!warm.run.ok)
      throw new Error(`${contender}: the warm-up session failed: ${warm.run.error ?? 'unknown error'}`);
  }
  await emulator.resetRateLimits();
  const emulatorBefore = sampleProcess(emulator.pid);
  const mark = await takeMark(emulator);
  const outcome = await session(contender, spec, timeScale, emulator, context, previous, bindings);
  const emulatorAfter = sampleProcess(emulator.pid);
  const records = await emulator.requests(mark.index);
  const streams = contender === 'connector' ? (spec.streams ?? FLOOR_STREAMS) : FLOOR_STREAMS;
  const measured = measure(contender, outcome, records, mark, timeScale, truth, streams);
  if (emulatorBefore && emulatorAfter) {
    measured.result.notes = {
      ...measured.result.notes,
      emulatorCpuSeconds: Number((emulatorAfter.cpuSeconds - emulatorBefore.cpuSeconds).toFixed(2)),
    };
  }
  workload.runs.push(measured.result);
  workload.traces.push(measured.trace);
  context.log(`  ${summary(measured.result)}`);
  return outcome;
}

function summary(run: RunResult): string {
  const status = run.ok ? 'ok' : `FAILED (${run.error})`;
  return `${run.contender}: ${status}; ${run.requests} requests, ${run.rateLimited}×429, wall ${run.wallSeconds.toFixed(0)} s emulated (${run.realSeconds.toFixed(1)} s real), ${(run.peakRssBytes / 2 ** 20).toFixed(0)} MB, documents ${run.comparison.equal ? 'equal to ground truth' : 'DIFFER from ground truth'}`;
}
