import { performance } from 'node:perf_hooks';
import type { WebhookOptions } from '@source-notion/notion-emulator';
import { DAY_MS } from './churn.js';
import type { EmulatorHandle } from './emulator-handle.js';
import { incrementalFloor } from './floor.js';
import type { RunResult, SteadyFigures } from './results.js';
import { runConnectorSession, type SessionOutcome, type WebhookListener } from './run-contender.js';
import type { BenchContext, MeasuredWorkload } from './run-workload.js';
import {
  attributeRequests,
  DAILY_BUDGET_180,
  loggedAttribution,
  REQUEST_KINDS,
  type RequestKind,
  sweepWindowsFromLogs,
  type TimedLogLine,
} from './steady-attribution.js';
import { BENCH_VERIFICATION_TOKEN, freePort } from './webhook-listener.js';
import type { WorkloadSpec } from './workloads.js';
import { compareCapture, expectedIds } from './workspace-shape.js';

/** The steady state after a backfill: days of churn with the connector at its normal intervals. */
export interface SteadySpec {
  name: string;
  description: string;
  /** Share of the pages changed per emulated day. */
  fraction: number;
  /**
   * Emulated days before the measured ones, churning already: the first sweeps after a backfill
   * settle, and the daily comment refresh (due a day after the backfill began) falls inside the
   * measured day when the backfill took under half a day.
   */
  warmupDays: number;
  /** Emulated days measured, after the warm-up. */
  days: number;
  /** The emulator's time scale during the steady state (the backfill's may differ). */
  timeScale: number;
  /** Real seconds before the session is abandoned. */
  timeoutSeconds: number;
  /**
   * Webhooks on: the emulator delivers its events (these options) to the connector's listener,
   * which runs with `webhooks.enabled`; the kind is then `steady-webhooks`.
   */
  webhooks?: Omit<WebhookOptions, 'url' | 'verificationToken'>;
  /**
   * Emulated ms the session goes on after the last day, with the churn over, before the capture is
   * compared with the ground truth (the last changes' events and refreshes land). Default 0. With
   * webhooks, it goes on until no event is waiting for a delivery or a retry too, and then this
   * long again (the refreshes of the last ones); at most until `timeoutSeconds`.
   */
  settleMs?: number;
}

/**
 * Runs the connector from its backfill's state for `days` emulated days on the emulator rescaled
 * to `steady.timeScale`, while the workspace churns (`fraction` of the pages per day, spread over
 * each day), every binding at the connector's default interval. Requests per day are counted from
 * the emulator's log over [start, start + days) and attributed to kinds by route and by the sweeps
 * the connector logged (steady-attribution.ts).
 */
export async function runSteady(
  spec: WorkloadSpec & { steady: SteadySpec },
  emulator: EmulatorHandle,
  context: BenchContext,
  backfill: SessionOutcome,
): Promise<{ workload: MeasuredWorkload; last: SessionOutcome }> {
  const { steady } = spec;
  await emulator.rescale(steady.timeScale);
  const port = steady.webhooks ? await freePort() : 0;
  const listener = steady.webhooks ? { port, verificationToken: BENCH_VERIFICATION_TOKEN } : undefined;
  const mark = await emulator.mark();
  const perf0 = performance.now();
  const emulatedNow = () => mark.at + (performance.now() - perf0) * steady.timeScale;
  const totalDays = steady.warmupDays + steady.days;
  const durationMs = totalDays * DAY_MS;
  const churn = await emulator.churn({ fraction: steady.fraction, days: totalDays, seed: 17 });
  context.log(
    `${steady.name}: connector, ${churn.planned} changes over ${totalDays} emulated day(s), the last ${steady.days} measured (×${steady.timeScale}, about ${Math.round(durationMs / steady.timeScale / 1000)} s real)…`,
  );
  // The subscription starts once the connector listens (its verification request is answered);
  // a later session (after a daily restart) gets the events retried while it was starting.
  let subscribed: Promise<{ status: number | null }> | undefined;
  const subscribe = (line: string) => {
    if (!steady.webhooks || subscribed) return;
    if (!line.includes('listening for Notion webhooks') && !line.includes('sweepCompleted')) return;
    subscribed = emulator.subscribeWebhooks({
      ...steady.webhooks,
      url: `http://127.0.0.1:${port}/`,
      verificationToken: BENCH_VERIFICATION_TOKEN,
    });
  };
  const lines: TimedLogLine[] = [];
  const settled = settling(emulator, emulatedNow, mark.at + durationMs, steady);
  const sessions = await runSessions(spec, emulator, context, backfill, {
    webhooks: listener,
    until: settled.done,
    clockNow: emulatedNow,
    onStderr: (line) => {
      subscribe(line);
      if (line.includes('sweep')) lines.push({ at: emulatedNow(), line });
    },
  });
  settled.stop();
  const verification = subscribed ? (await subscribed).status : null;
  const outcome = sessions.at(-1) ?? backfill;
  const status = await emulator.churnStatus(true);
  const deliveries = steady.webhooks ? await emulator.webhookDeliveries() : [];
  // A steady state that follows polls alone: its connector listens no more.
  if (steady.webhooks) await emulator.unsubscribeWebhooks();
  const after = await emulator.shape();
  const records = await emulator.requests(mark.index);
  const start = mark.at + steady.warmupDays * DAY_MS;
  const end = mark.at + durationMs;
  const { windows, logged } = sweepWindowsFromLogs(lines, end);
  const attribution = attributeRequests(records, windows, start, end);
  const measured = windows.filter((w) => w.end > start);
  const byLoggedKind = loggedAttribution(windows, start, end);
  const perDay = attribution.total / steady.days;
  const figures: SteadyFigures = {
    days: steady.days,
    requestsPerDay: perDay,
    dailyBudget: DAILY_BUDGET_180,
    budgetShare: perDay / DAILY_BUDGET_180,
    byKind: Object.fromEntries(
      REQUEST_KINDS.map((k) => [k, attribution.byKind[k] / steady.days]),
    ) as SteadyFigures['byKind'],
    routesByKind: attribution.routesByKind,
    sweeps: measured.length,
    scans: measured.filter((w) => w.scan).length,
    refreshes: measured.filter((w) => w.refresh).length,
    changes: { ...status, changedPages: status.changedPages.length },
    ...(Object.keys(logged).length > 0 ? { loggedRequestsByKind: logged } : {}),
    ...(byLoggedKind ? { loggedByKindPerDay: perDayOf(byLoggedKind, steady.days) } : {}),
  };
  const inWindow = records.filter((r) => r.at >= start && r.at < end);
  const limited = inWindow.filter((r) => r.status === 429);
  const run: RunResult = {
    contender: 'connector',
    timeScale: steady.timeScale,
    ok: sessions.every((s) => s.run.ok || dailyRestart(s)) && outcome.reducer.pending === 0,
    error: sessions.find((s) => !s.run.ok && !dailyRestart(s))?.run.error,
    realSeconds: sessions.reduce((sum, s) => sum + s.run.realSeconds, 0),
    startupSeconds: 0,
    wallSeconds: (end - start) / 1000,
    requests: inWindow.length,
    rateLimited: limited.length,
    rateLimitedAfterFirstWindow: limited.filter((r) => r.fault === undefined).length,
    faults: inWindow.filter((r) => r.fault !== undefined).length,
    peakRssBytes: Math.max(...sessions.map((s) => s.run.sample.peakRssBytes)),
    cpuSeconds: sessions.reduce((sum, s) => sum + s.run.sample.cpuSeconds, 0),
    // Each session's reducer starts from the previous collections and counts its own documents.
    documents: sessions.reduce((sum, s) => sum + s.reducer.documents, 0),
    documentsPerSecond: 0,
    // At the end of the last day: changes of the last minutes may still be on their way.
    comparison: compareCapture(outcome.reducer.collections, expectedIds(after)),
    notes: {
      steady: figures,
      // The connector ends each session itself a day after it began (its daily restart); the next
      // one resumes from the merged state, as the Flow runtime would start it again.
      sessions: sessions.length,
      realRequestsPerSecond: Number(
        (
          records.length /
          Math.max(
            1,
            sessions.reduce((sum, s) => sum + s.run.realSeconds, 0),
          )
        ).toFixed(1),
      ),
      ...(steady.webhooks
        ? {
            webhooks: {
              verificationStatus: verification,
              events: deliveries.length,
              delivered: deliveries.filter((d) => d.status === 'delivered').length,
              failed: deliveries.filter((d) => d.status === 'failed').length,
              attempts: deliveries.reduce((sum, d) => sum + d.attempts, 0),
              // Events that needed more than one POST (the listener down between sessions, or busy).
              retried: deliveries.filter((d) => d.attempts > 1).length,
              duplicates: deliveries.reduce((sum, d) => sum + d.duplicates, 0),
              byType: countTypes(deliveries.map((d) => d.type)),
              settleSeconds: (steady.settleMs ?? 0) / 1000,
            },
          }
        : {}),
      ...(outcome.run.ok ? {} : { stderrTail: outcome.run.stderrTail.slice(-5) }),
    },
  };
  // Reading each changed page once (one incremental sweep's minimum): what polling adds shows against it.
  const minimum = incrementalFloor(after, new Set(status.changedPages));
  context.log(
    `  connector: ${run.ok ? 'ok' : `FAILED (${run.error})`}; ${Math.round(perDay)} requests per emulated day = ${(figures.budgetShare * 100).toFixed(1)}% of the daily budget (${REQUEST_KINDS.map((k) => `${k} ${Math.round(figures.byKind[k])}`).join(', ')}); ${status.applied} changes made, ${status.failed} failed`,
  );
  const workload: MeasuredWorkload = {
    name: steady.name,
    kind: steady.webhooks ? 'steady-webhooks' : 'steady',
    description: steady.description,
    requestsPerMinute: spec.rpm,
    timeScale: steady.timeScale,
    workspace: {
      pages: after.pages.length,
      blocks: after.blocks.length,
      users: after.users.length,
      dataSources: after.dataSources.length,
      comments: after.comments.length,
    },
    minimum,
    // A day of polling has no floor in seconds: its figure is the share of the daily budget.
    floorSeconds: null,
    runs: [run],
    steady: figures,
    traces: [
      {
        contender: 'connector',
        requestTimes: inWindow.map((r) => (r.at - start) / 1000),
        rateLimitedTimes: limited.map((r) => (r.at - start) / 1000),
      },
    ],
  };
  return { workload, last: outcome };
}

/**
 * Whether the session may end: `settleMs` after the churn's end, and with webhooks, `settleMs`
 * after the last event still waiting for a delivery or a retry was answered (checked once a real
 * second from the churn's end on).
 */
function settling(
  emulator: EmulatorHandle,
  emulatedNow: () => number,
  churnEnd: number,
  steady: SteadySpec,
): { done: () => boolean; stop: () => void } {
  const settleMs = steady.settleMs ?? 0;
  let quietSince: number | undefined = steady.webhooks ? undefined : churnEnd;
  let checking = false;
  const timer = setInterval(() => {
    if (!steady.webhooks || checking || emulatedNow() < churnEnd) return;
    checking = true;
    emulator
      .webhookDeliveries()
      .then((deliveries) => {
        const waiting = deliveries.some((d) => d.status === 'pending');
        if (waiting) quietSince = undefined;
        else quietSince ??= Math.max(churnEnd, emulatedNow());
      })
      .catch(() => {})
      .finally(() => {
        checking = false;
      });
  }, 1_000);
  return {
    done: () => quietSince !== undefined && emulatedNow() >= quietSince + settleMs,
    stop: () => clearInterval(timer),
  };
}

function countTypes(types: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of types) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

function perDayOf(counts: Record<RequestKind, number>, days: number): Record<RequestKind, number> {
  return Object.fromEntries(REQUEST_KINDS.map((k) => [k, counts[k] / days])) as Record<RequestKind, number>;
}

/** The connector ended the session itself, a day after it began, with everything committed. */
function dailyRestart(outcome: SessionOutcome): boolean {
  return (
    !outcome.run.ok &&
    outcome.run.exitCode === 0 &&
    outcome.reducer.pending === 0 &&
    outcome.run.stderrTail.some((line) => line.includes('(daily restart)'))
  );
}

/**
 * Sessions of the connector from the backfill's state until `until()`: the connector ends a session
 * itself a day after it began (its daily restart, exit 0); the next starts from the merged state,
 * its clock carrying on from the emulator's (SOURCE_NOTION_CLOCK_START). Any other end stops.
 */
async function runSessions(
  spec: WorkloadSpec & { steady: SteadySpec },
  emulator: EmulatorHandle,
  context: BenchContext,
  backfill: SessionOutcome,
  options: {
    until: () => boolean;
    clockNow: () => number;
    onStderr: (line: string) => void;
    webhooks?: WebhookListener | undefined;
  },
): Promise<SessionOutcome[]> {
  const sessions: SessionOutcome[] = [];
  let previous: SessionOutcome = backfill;
  const deadline = performance.now() + spec.steady.timeoutSeconds * 1000;
  for (;;) {
    const outcome = await runConnectorSession({
      bundle: context.connectorBundle ?? '',
      target: {
        url: emulator.url,
        token: emulator.token,
        requestsPerMinute: spec.rpm ?? 180,
        timeScale: spec.steady.timeScale,
      },
      state: previous.reducer.state,
      collections: previous.reducer.collections,
      timeoutMs: Math.max(1_000, deadline - performance.now()),
      nodeArgs: context.connectorNodeArgs,
      defaultIntervals: true,
      webhooks: options.webhooks,
      ...(spec.emulatorClock ? { clockStartMs: options.clockNow() } : {}),
      until: options.until,
      onStderr: options.onStderr,
    });
    sessions.push(outcome);
    if (!dailyRestart(outcome) || options.until()) return sessions;
    context.log(`  the connector restarted itself (daily restart); a new session resumes from its state`);
    previous = outcome;
  }
}
