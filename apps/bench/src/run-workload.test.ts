import { describe, expect, it } from 'vitest';
import { createCaptureReducer } from './capture-reducer.js';
import type { RequestRecord } from './emulator-protocol.js';
import type { SessionOutcome } from './run-contender.js';
import { measure } from './run-workload.js';
import type { WorkspaceShape } from './workspace-shape.js';

const shape: WorkspaceShape = {
  users: ['u1'],
  databases: [],
  dataSources: [],
  pages: ['p1'],
  blocks: [],
  comments: [],
};

function outcome(): SessionOutcome {
  const reducer = createCaptureReducer(['users', 'databases', 'data_sources', 'pages', 'blocks', 'comments']);
  reducer.apply({ captured: { binding: 0, doc: { id: 'u1' } } });
  reducer.apply({ captured: { binding: 3, doc: { id: 'p1' } } });
  reducer.apply({ checkpoint: { state: { updated: {}, mergePatch: true } } });
  return {
    reducer,
    documentsAtDone: 2,
    sweeps: {},
    run: {
      ok: true,
      realSeconds: 3,
      startedAt: 1_000,
      doneAt: 4_000, // bench ms: 3 s after spawn
      sample: { peakRssBytes: 50 * 2 ** 20, cpuSeconds: 0.5 },
      exitCode: 0,
      stderrTail: [],
    },
  };
}

const record = (at: number, status = 200, fault?: string): RequestRecord => ({
  at,
  status,
  durationMs: 5,
  route: 'blocks.children',
  ...(fault ? { fault } : {}),
});

describe('measure', () => {
  it('times from the first request, in emulated time, and counts the budget 429s after the first window', () => {
    // Mark taken at bench time 1,000 ms = emulated 0; scale 100: the run ended at emulated 300 s.
    const mark = { index: 0, at: 0, perf: 1_000 };
    const records = [
      record(20_000), // first request 20 s in (start-up)
      record(50_000, 429), // inside the first window: not counted
      record(90_000, 429, '429'), // injected: not counted
      record(100_000, 429), // the connector's own burst
      record(200_000),
    ];
    const { result, trace } = measure('connector', outcome(), records, mark, 100, shape);
    expect(result.wallSeconds).toBeCloseTo(280, 6);
    expect(result.startupSeconds).toBeCloseTo(0.2, 6);
    expect(result.requests).toBe(5);
    expect(result.rateLimited).toBe(3);
    expect(result.rateLimitedAfterFirstWindow).toBe(1);
    expect(result.faults).toBe(1);
    expect(result.documentsPerSecond).toBeCloseTo(2 / 2.8, 6);
    expect(result.comparison.equal).toBe(true);
    expect(result.notes?.requestsPerMinute).toEqual([2, 2, 0, 1]);
    expect(trace.requestTimes).toEqual([20, 50, 90, 100, 200]);
    expect(trace.rateLimitedTimes).toEqual([50, 90, 100]);
  });

  it('fails a run that left documents after its last checkpoint', () => {
    const o = outcome();
    o.reducer.apply({ captured: { binding: 0, doc: { id: 'u2' } } });
    const { result } = measure('connector', o, [record(0)], { index: 0, at: 0, perf: 1_000 }, 1, shape);
    expect(result.ok).toBe(false);
    expect(result.error).toBe('1 documents after the last checkpoint');
  });
});
