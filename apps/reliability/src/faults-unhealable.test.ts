// Faults that cannot heal: the session must end non-zero with a last log line that names the
// problem and the fix, after a checkpoint covering every document it wrote; a later session with
// the merged state (and the problem fixed) completes the capture without losing anything.
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
import { startFaultProxy } from './fault-proxy.js';
import { connectorEnv, endpointConfig, openRequest } from './protocol-requests.js';
import { runSession } from './run-session.js';
import { STREAMS } from './streams.js';
import { type Suite, startSuite } from './suite.js';
import { UNHEALABLE_CASES } from './unhealable-cases.js';

const SEED = 74;
let suite: Suite;

beforeAll(async () => {
  suite = await startSuite({ seed: SEED, timeScale: 100 });
}, 60_000);

afterAll(() => suite?.close());

describe('unhealable faults end the session clearly and keep what was captured', () => {
  for (const { name, rule, message } of UNHEALABLE_CASES) {
    it(name, { timeout: 45_000 }, async () => {
      const proxy = await startFaultProxy(suite.emulator.url, rule);
      const config = endpointConfig(suite.canary);
      const env = { SOURCE_NOTION_TIME_SCALE: '100' };
      let failed: Awaited<ReturnType<typeof runSession>>;
      try {
        failed = await runSession({
          bundle: suite.bundle,
          env: connectorEnv(proxy.url, env),
          open: openRequest({ config, state: {} }),
        });
      } finally {
        await proxy.close();
      }
      expect(proxy.stats().failed).toBeGreaterThan(0);
      expect(failed.timedOut).toBe(false);
      expect(failed.exit.code).toBe(1);
      expect(failed.exit.lastLog?.level).toBe('error');
      expect(failed.exit.lastLog?.msg).toMatch(message);
      expect(failed.exit.lastLog?.msg).not.toMatch(/\n\s+at /);
      // Every document written is covered by a checkpoint; nothing dangles.
      expect(failed.exit.protocolErrors).toEqual([]);
      expect(failed.exit.endedInsideTransaction).toBe(false);
      expect(failed.uncommitted).toBe(0);
      const committed = failed.committed.reduce((n, docs) => n + docs.length, 0);
      expect(committed, 'nothing was captured before the fault: the test shows nothing').toBeGreaterThan(0);

      // What was committed is right (a subset of the truth, documents equal)...
      const partial = newCollections();
      reduceInto(partial, failed.committed);
      const expected = expectedCollections(suite.emulator);
      for (const diff of diffCollections(collectionDocs(partial), expected)) {
        expect(diff.extra, diff.stream).toEqual([]);
        expect(diff.different, diff.stream).toEqual([]);
      }
      // ...and a session from the merged state, once the problem is fixed, completes the capture.
      const resumed = await runSession({
        bundle: suite.bundle,
        env: connectorEnv(suite.emulator.url, env),
        open: openRequest({ config, state: failed.state }),
      });
      expect(resumed.exit.code).toBe(0);
      const all = newCollections();
      reduceInto(all, failed.committed);
      reduceInto(all, resumed.committed);
      expect(describeDiff(diffCollections(collectionDocs(all), expected, STREAMS))).toBe('');
      expect(
        findCanary(suite.canary, ...failed.transcript, failed.state, ...resumed.transcript, resumed.state),
      ).toEqual([]);
    });
  }
});
