// Plays one fault scenario end to end: starts an emulator with its seeded fault plan, runs the
// bundle through the protocol against it (a clean session first when the workspace changes between
// sessions), and reports whether the merged, reduced collections equal the emulator's ground
// truth, which log lines told a person what happened, and whether the canary token leaked anywhere.
import type { ConnectorLog } from '@source-notion/connector';
import type { Counters, Emulator } from '@source-notion/notion-emulator';
import { startTestEmulator } from '@source-notion/notion-emulator';
import { canaryToken, findCanary } from './canary.js';
import {
  collectionDocs,
  describeDiff,
  diffCollections,
  envelopeLeaks,
  expectedCollections,
  isClean,
  newCollections,
  reduceInto,
  type StreamDiff,
} from './collections.js';
import type { FaultProxy } from './fault-proxy.js';
import { startFaultProxy } from './fault-proxy.js';
import type { FaultScenario } from './fault-scenarios.js';
import { connectorEnv, endpointConfig, openRequest } from './protocol-requests.js';
import { runSession, type SessionResult } from './run-session.js';
import { STREAMS, type StreamName } from './streams.js';
import { SMALL_WORKSPACE } from './suite.js';

export const DEFAULT_TIME_SCALE = 100;

export interface ScenarioResult {
  name: string;
  exitCode: number | null;
  clean: boolean;
  diff: StreamDiff[];
  diffText: string;
  /** The first log line matching `expectLog`, if any. */
  logLine: string | undefined;
  happened: boolean;
  canaryHits: string[];
  protocolErrors: string[];
  endedInsideTransaction: boolean;
  requests: number;
  counters: Counters;
  durationMs: number;
  lastLog: ConnectorLog | undefined;
  /** Streams whose documents carry `request_id`. */
  envelopeLeaks: StreamName[];
  sessions: SessionResult[];
}

export function logText(log: ConnectorLog): string {
  return `${log.level} ${log.msg} ${JSON.stringify(log.fields)}`;
}

/** Runs one fault scenario end to end (emulator started and closed here). */
export async function runScenario(
  bundle: string,
  scenario: FaultScenario,
  seed: number,
): Promise<ScenarioResult> {
  const canary = canaryToken(seed);
  const scale = scenario.timeScale ?? DEFAULT_TIME_SCALE;
  const mutate = scenario.mutateBetween;
  const faults = scenario.emulator?.faults;
  const emulator = await startTestEmulator({
    ...scenario.emulator,
    // With a mutation between sessions, the first session runs without faults.
    ...(mutate ? { faults: {} } : {}),
    workspace: { seed, ...(scenario.workspace ?? SMALL_WORKSPACE) },
    tokens: [{ token: canary }],
    seed,
    timeScale: scale,
  });
  const streams = scenario.streams ?? STREAMS;
  const started = Date.now();
  const sessions: SessionResult[] = [];
  try {
    const env = connectorEnv(emulator.url, { SOURCE_NOTION_TIME_SCALE: String(scale) });
    const config = endpointConfig(canary);
    let state: unknown = {};
    let faulty: Emulator | undefined;
    let proxy: FaultProxy | undefined;
    try {
      if (mutate) {
        // A clean first capture, then the workspace changes and the faulty session must catch up.
        const first = await runSession({
          bundle,
          env,
          open: openRequest({ config, state, streams }),
          timeoutMs: scenario.timeoutMs,
        });
        sessions.push(first);
        state = first.state;
        faulty = await startTestEmulator({
          ...scenario.emulator,
          faults,
          workspace: emulator.workspace,
          tokens: [{ token: canary }],
          seed,
          timeScale: scale,
          startTime: emulator.now(),
        });
        mutate(faulty);
      }
      const target = faulty ?? emulator;
      proxy = scenario.proxy ? await startFaultProxy(target.url, scenario.proxy(target)) : undefined;
      sessions.push(
        await runSession({
          bundle,
          env: connectorEnv(proxy?.url ?? target.url, { SOURCE_NOTION_TIME_SCALE: String(scale) }),
          open: openRequest({
            config,
            state,
            streams,
            ...(scenario.interval ? { interval: scenario.interval } : {}),
          }),
          sweeps: scenario.sweeps ?? 1,
          timeoutMs: scenario.timeoutMs,
        }),
      );
      const collections = newCollections();
      for (const session of sessions) reduceInto(collections, session.committed, streams);
      const actual = collectionDocs(collections);
      const truth = expectedCollections(target);
      const expected = scenario.adjustExpected ? scenario.adjustExpected(truth, target) : truth;
      const diff = diffCollections(actual, expected, streams as StreamName[]);
      const last = sessions[sessions.length - 1] as SessionResult;
      const logs = last.logs.map(logText);
      const counters = target.counters();
      return {
        name: scenario.name,
        exitCode: last.exit.code,
        clean: isClean(diff),
        diff,
        diffText: describeDiff(diff),
        logLine: logs.find((line) => scenario.expectLog.test(line)),
        happened: scenario.happened(counters),
        canaryHits: sessions.flatMap((s) => findCanary(canary, ...s.transcript, s.state)),
        protocolErrors: sessions.flatMap((s) => s.exit.protocolErrors),
        endedInsideTransaction: sessions.some((s) => s.exit.endedInsideTransaction),
        requests: counters.requests,
        counters,
        durationMs: Date.now() - started,
        lastLog: last.exit.lastLog,
        envelopeLeaks: envelopeLeaks(actual),
        sessions,
      };
    } finally {
      await proxy?.close();
      await faulty?.close();
    }
  } finally {
    await emulator.close();
  }
}
