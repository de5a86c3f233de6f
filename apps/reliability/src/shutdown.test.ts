// SIGTERM and stdin EOF end a session cleanly at a transaction boundary: exit 0, every captured
// document followed by a checkpoint, the last stdout line a checkpoint; the next session from the
// merged state completes the capture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCanary } from './canary.js';
import {
  collectionDocs,
  describeDiff,
  diffCollections,
  expectedCollections,
  newCollections,
  reduceInto,
} from './collections.js';
import { connectorEnv, endpointConfig, openRequest } from './protocol-requests.js';
import { runSession, type SessionResult } from './run-session.js';
import { type Suite, startSuite } from './suite.js';

const SEED = 76;
let suite: Suite;

beforeAll(async () => {
  // Real time with some latency: the stop lands in the middle of the backfill.
  suite = await startSuite({ seed: SEED, latency: { medianMs: 15, p99Ms: 40 } });
}, 60_000);

afterAll(() => suite?.close());

const env = () => connectorEnv(suite.emulator.url);
const config = () => endpointConfig(suite.canary);

function expectCleanStop(session: SessionResult, reason: RegExp): void {
  expect(session.timedOut).toBe(false);
  expect(session.exit.signal).toBeNull();
  expect(session.exit.code).toBe(0);
  expect(session.exit.protocolErrors).toEqual([]);
  expect(session.exit.endedInsideTransaction).toBe(false);
  expect(session.uncommitted).toBe(0);
  const lastStdout = [...session.transcript]
    .reverse()
    .find(
      (line) =>
        line.startsWith('{"captured"') || line.startsWith('{"checkpoint"') || line.startsWith('{"opened"'),
    );
  expect(lastStdout?.startsWith('{"checkpoint"')).toBe(true);
  // Mid-sweep: not every binding finished its first sweep.
  expect(session.sweeps.size).toBeLessThan(6);
  expect(session.logs.some((log) => reason.test(log.msg))).toBe(true);
  expect(findCanary(suite.canary, ...session.transcript, session.state)).toEqual([]);
}

async function completes(first: SessionResult): Promise<void> {
  const second = await runSession({
    bundle: suite.bundle,
    env: env(),
    open: openRequest({ config: config(), state: first.state }),
  });
  expect(second.exit.code).toBe(0);
  const all = newCollections();
  reduceInto(all, first.committed);
  reduceInto(all, second.committed);
  expect(describeDiff(diffCollections(collectionDocs(all), expectedCollections(suite.emulator)))).toBe('');
}

describe('clean stops', () => {
  it('SIGTERM mid-backfill: finishes the transaction in flight, checkpoints, exits 0', {
    timeout: 45_000,
  }, async () => {
    const session = await runSession({
      bundle: suite.bundle,
      env: env(),
      open: openRequest({ config: config(), state: {} }),
      killAfterLines: 25,
      killSignal: 'SIGTERM',
    });
    expectCleanStop(session, /stopping the capture \(SIGTERM\)/);
    expect(session.exit.lastLog?.msg).toMatch(/capture stopped \(SIGTERM\)/);
    await completes(session);
  });

  it('stdin EOF mid-backfill: same', { timeout: 45_000 }, async () => {
    const session = await runSession({
      bundle: suite.bundle,
      env: env(),
      open: openRequest({ config: config(), state: {} }),
      watch: ({ lines }) => (lines === 25 ? 'end' : undefined),
    });
    expectCleanStop(session, /stopping the capture \(stdin closed\)/);
    await completes(session);
  });

  it('SIGTERM between sweeps: exits 0 at once', { timeout: 45_000 }, async () => {
    const swept = new Set<number>();
    let termAt = 0;
    let child: { kill(signal: NodeJS.Signals): boolean } | undefined;
    const session = await runSession({
      bundle: suite.bundle,
      env: env(),
      open: openRequest({ config: config(), state: {} }),
      sweeps: 99, // never ends by itself
      onSpawn: (run) => {
        child = run.child;
      },
      watch: ({ log }) => {
        if (typeof log?.fields.sweepCompleted === 'number') swept.add(Number(log.fields.binding));
        if (swept.size === 6 && termAt === 0) {
          // Every binding is now waiting for its next sweep.
          termAt = Date.now();
          child?.kill('SIGTERM');
        }
        return undefined;
      },
    });
    expect(termAt).toBeGreaterThan(0);
    expect(session.exit.code).toBe(0);
    expect(session.exit.endedInsideTransaction).toBe(false);
    expect(session.exit.lastLog?.msg).toMatch(/capture stopped \(SIGTERM\)/);
    expect(Date.now() - termAt).toBeLessThan(5_000);
  });
});
