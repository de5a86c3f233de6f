// Crash chains: SIGKILL the connector at seeded points, restart it with the state merged from the
// checkpoints the runtime received, until a session completes; compare with an uninterrupted run.
import type { Emulator } from '@source-notion/notion-emulator';
import { createRandom } from '@source-notion/notion-emulator';
import { findCanary } from './canary.js';
import {
  type Collections,
  collectionDocs,
  describeDiff,
  diffCollections,
  expectedCollections,
  newCollections,
  reduceInto,
} from './collections.js';
import { connectorEnv, endpointConfig, openRequest } from './protocol-requests.js';
import { runSession, type SessionResult } from './run-session.js';
import { type Doc, STREAMS } from './streams.js';

export interface Baseline {
  /** Committed documents of the uninterrupted run, per binding. */
  committed: Doc[][];
  state: unknown;
  requests: number;
  stdoutLines: number;
}

export interface ChainOptions {
  bundle: string;
  emulator: Emulator;
  canary: string;
  /** State the chain (and the baseline) start from: {} for a backfill. */
  start: unknown;
  timeScale: number;
  streams?: readonly string[];
  /** Documents committed before `start` (e.g. the backfill's): reduced first into both sides. */
  prior?: Doc[][];
}

function env(options: ChainOptions): NodeJS.ProcessEnv {
  return connectorEnv(options.emulator.url, { SOURCE_NOTION_TIME_SCALE: String(options.timeScale) });
}

/** One uninterrupted session from `start` (every binding sweeps once). */
export async function uninterrupted(options: ChainOptions): Promise<Baseline & { session: SessionResult }> {
  options.emulator.resetCounters();
  const session = await runSession({
    bundle: options.bundle,
    env: env(options),
    open: openRequest({
      config: endpointConfig(options.canary),
      state: options.start,
      streams: options.streams,
    }),
  });
  if (session.exit.code !== 0)
    throw new Error(`the uninterrupted run failed: ${JSON.stringify(session.exit.lastLog)}`);
  return {
    committed: session.committed,
    state: session.state,
    requests: options.emulator.counters().requests,
    stdoutLines: session.stdoutLines,
    session,
  };
}

export interface ChainResult {
  /** stdout line counts the chain was killed after (the kills that landed). */
  kills: number[];
  sessions: number;
  requests: number;
  /** requests − the baseline's: the work redone because of the kills. */
  rework: number;
  collections: Collections;
  finalState: unknown;
  /** Per-stream differences from the uninterrupted run's reduced collections ('' when none). */
  diffFromBaseline: string;
  /** Per-stream differences from the ground truth ('' when none). */
  diffFromTruth: string;
  /** Documents of the baseline missing from the chain's collections. */
  lost: number;
  canaryHits: string[];
  /** Sessions that did not end as they should (a non-killed session exiting non-zero, stray stdout). */
  problems: string[];
}

/**
 * Kills a session after `killPoints[i]` stdout lines (SIGKILL), restarts from the merged state,
 * and so on; the last session runs to completion.
 */
export async function crashChain(
  options: ChainOptions,
  baseline: Baseline,
  killPoints: number[],
): Promise<ChainResult> {
  const streams = options.streams ?? STREAMS;
  options.emulator.resetCounters();
  let state = options.start;
  const collections = newCollections();
  if (options.prior) reduceInto(collections, options.prior, streams);
  const kills: number[] = [];
  const problems: string[] = [];
  const canaryHits: string[] = [];
  let sessions = 0;
  for (let i = 0; i <= killPoints.length; i++) {
    const killAt = killPoints[i];
    sessions += 1;
    const session = await runSession({
      bundle: options.bundle,
      env: env(options),
      open: openRequest({ config: endpointConfig(options.canary), state, streams }),
      ...(killAt === undefined ? {} : { killAfterLines: killAt }),
    });
    canaryHits.push(...findCanary(options.canary, ...session.transcript, session.state));
    reduceInto(collections, session.committed, streams);
    state = session.state;
    if (session.killed) {
      kills.push(killAt as number);
      continue;
    }
    if (session.timedOut) problems.push(`session ${sessions} timed out`);
    else if (session.exit.code !== 0)
      problems.push(`session ${sessions} exited ${session.exit.code}: ${session.exit.lastLog?.msg}`);
    if (session.exit.protocolErrors.length > 0)
      problems.push(`session ${sessions} wrote non-protocol stdout`);
    if (session.exit.endedInsideTransaction) problems.push(`session ${sessions} ended inside a transaction`);
    break;
  }
  const requests = options.emulator.counters().requests;
  const base = newCollections();
  if (options.prior) reduceInto(base, options.prior, streams);
  reduceInto(base, baseline.committed, streams);
  const names = streams as (typeof STREAMS)[number][];
  const fromBaseline = diffCollections(collectionDocs(collections), collectionDocs(base), names);
  const fromTruth = diffCollections(
    collectionDocs(collections),
    expectedCollections(options.emulator),
    names,
  );
  return {
    kills,
    sessions,
    requests,
    rework: requests - baseline.requests,
    collections,
    finalState: state,
    diffFromBaseline: describeDiff(fromBaseline),
    diffFromTruth: describeDiff(fromTruth),
    lost: fromBaseline.reduce((n, d) => n + d.missing.length, 0),
    canaryHits,
    problems,
  };
}

/** Seeded kill points in [1, maxLines]: `count` chains of `perChain` kills each. */
export function killPlan(seed: number, maxLines: number, count: number, perChain: number): number[][] {
  const random = createRandom(seed).next;
  return Array.from({ length: count }, () =>
    Array.from({ length: perChain }, () => 1 + Math.floor(random() * Math.max(1, maxLines - 1))),
  );
}
