import { describe, expect, it } from 'vitest';
import { markdownTable, steadyTable, targetsTable } from './report.js';
import {
  evaluateTargets,
  type RunResult,
  type SteadyFigures,
  type WorkloadKind,
  type WorkloadResult,
} from './results.js';

const collections = (captured: number, expected: number) => {
  const c = {
    expected,
    captured,
    missing: Math.max(0, expected - captured),
    extra: 0,
    sampleMissing: [],
    sampleExtra: [],
  };
  return { users: c, databases: c, data_sources: c, pages: c, blocks: c, comments: c };
};

function run(overrides: Partial<RunResult> = {}): RunResult {
  return {
    contender: 'connector',
    timeScale: 60,
    ok: true,
    realSeconds: 10,
    startupSeconds: 0.2,
    wallSeconds: 600,
    requests: 1000,
    rateLimited: 0,
    rateLimitedAfterFirstWindow: 0,
    faults: 0,
    peakRssBytes: 100 * 2 ** 20,
    cpuSeconds: 2,
    documents: 4000,
    documentsPerSecond: 400,
    comparison: { equal: true, collections: collections(10, 10) },
    ...overrides,
  };
}

function workload(kind: WorkloadKind, runs: RunResult[], overrides: Partial<WorkloadResult> = {}) {
  return {
    kind,
    name: `${kind}-w`,
    description: 'd',
    requestsPerMinute: 180,
    timeScale: 60,
    workspace: { pages: 1, blocks: 1, users: 1, dataSources: 1, comments: 1 },
    minimum: {
      users: 2,
      dataSources: 1,
      databases: 1,
      pageListing: 1,
      blockTrees: 990,
      pageRetrieves: 0,
      childPageBlocks: 0,
      comments: 5,
      total: 1000,
    },
    floorSeconds: 1000 / 3,
    runs,
    ...overrides,
  };
}

function steady(budgetShare: number): SteadyFigures {
  const perDay = budgetShare * 259_200;
  return {
    days: 1,
    requestsPerDay: perDay,
    dailyBudget: 259_200,
    budgetShare,
    byKind: { sweeps: perDay / 2, commentRefresh: perDay / 4, deletionScans: perDay / 8, other: perDay / 8 },
    routesByKind: {},
    sweeps: 1_700,
    scans: 72,
    refreshes: 1,
    changes: { planned: 520, applied: 520, failed: 0, operations: {}, changedPages: 520, errors: [] },
  };
}

describe('evaluateTargets of the large workspace', () => {
  it('checks the large backfill: its shape, one session, wall ÷ floor ≤ 1.15, peak RSS < 300 MB, documents', () => {
    const shapeCheck = {
      name: 'large-w: workspace pages',
      value: 52_000,
      limit: 50_000,
      op: '>=' as const,
      met: true,
    };
    const targets = evaluateTargets([
      workload('large-backfill', [run({ wallSeconds: 380, peakRssBytes: 280 * 2 ** 20 })], {
        name: 'large-w',
        shapeChecks: [shapeCheck],
      }),
    ]);
    expect(targets.map((t) => [t.name, t.value, t.met])).toEqual([
      ['large-w: workspace pages', 52_000, true],
      ['large-w: backfill completed in one session, no binding failed', 1, true],
      ['large-w: wall ÷ floor', 1.14, true],
      ['large-w: peak RSS (MB)', 280, true],
      ['large-w: documents differing from ground truth', 0, true],
    ]);
    const failed = evaluateTargets([
      workload('large-backfill', [run({ ok: false, wallSeconds: 390, peakRssBytes: 310 * 2 ** 20 })]),
    ]);
    expect(failed.filter((t) => !t.met).map((t) => t.name)).toEqual([
      'large-backfill-w: backfill completed in one session, no binding failed',
      'large-backfill-w: wall ÷ floor',
      'large-backfill-w: peak RSS (MB)',
      'large-backfill-w: documents differing from ground truth',
    ]);
  });

  it('checks the steady state against 20% of the daily budget, and not its end-of-day documents', () => {
    const within = evaluateTargets([workload('steady', [run()], { name: 'steady-w', steady: steady(0.15) })]);
    expect(within.map((t) => [t.name, t.value, t.met])).toEqual([
      ['steady-w: session ran its days, no binding failed', 1, true],
      ['steady-w: requests per emulated day ÷ daily budget', 0.15, true],
    ]);
    const over = evaluateTargets([workload('steady', [run()], { name: 'steady-w', steady: steady(0.31) })]);
    expect(over[1]).toMatchObject({ value: 0.31, met: false });
  });

  it('tables the steady state by kind, each as a share of the daily budget', () => {
    const table = steadyTable([workload('steady', [run()], { name: 'steady-w', steady: steady(0.2) })]);
    expect(table).toContain('| steady-w');
    expect(table).toContain('51,840 (20.0%)');
    expect(table).toContain('25,920 (10.0%)');
    expect(table).toContain('1,700 (72 scans, 1 refreshes)');
    expect(steadyTable([workload('backfill', [run()])])).toBe('');
  });
});

describe('evaluateTargets', () => {
  it('checks the backfill targets on the connector run', () => {
    const targets = evaluateTargets([
      workload('backfill', [
        run({ wallSeconds: 350, requests: 1040 }),
        run({ contender: 'baseline', wallSeconds: 9999 }),
      ]),
    ]);
    expect(targets).toEqual([
      { name: 'backfill-w: wall ÷ floor', value: 1.05, limit: 1.1, op: '<=', met: true },
      { name: 'backfill-w: requests ÷ minimum', value: 1.04, limit: 1.05, op: '<=', met: true },
      { name: 'backfill-w: own 429s after the first window', value: 0, limit: 0, op: '==', met: true },
      { name: 'backfill-w: documents differing from ground truth', value: 0, limit: 0, op: '==', met: true },
    ]);
  });

  it('misses targets when the numbers are over, the documents differ or the run failed', () => {
    const over = evaluateTargets([
      workload('backfill', [
        run({
          wallSeconds: 400,
          requests: 1100,
          rateLimitedAfterFirstWindow: 2,
          comparison: { equal: false, collections: collections(9, 10) },
        }),
      ]),
    ]);
    expect(over.map((t) => t.met)).toEqual([false, false, false, false]);
    expect(over[3]?.value).toBe(6);
    const failed = evaluateTargets([workload('faults', [run({ ok: false, wallSeconds: 100 })])]);
    expect(failed[0]).toMatchObject({ name: 'faults-w: wall ÷ floor', value: 0.3, met: false });
  });

  it('checks the incremental, overhead and memory targets', () => {
    const targets = evaluateTargets([
      workload('incremental', [run({ requests: 1090 })]),
      workload('overhead', [run({ documentsPerSecond: 12_345.6 })], {
        floorSeconds: null,
        requestsPerMinute: null,
      }),
      workload('overhead-memory', [run({ peakRssBytes: 250 * 2 ** 20 })], { floorSeconds: null }),
    ]);
    expect(targets.filter((t) => !t.name.includes('differing'))).toEqual([
      {
        name: 'incremental-w: requests ÷ minimum for the changed pages',
        value: 1.09,
        limit: 1.1,
        op: '<=',
        met: true,
      },
      { name: 'overhead-w: documents per second', value: 12_346, limit: 10_000, op: '>=', met: true },
      { name: 'overhead-memory-w: peak RSS (MB)', value: 250, limit: 200, op: '<', met: false },
    ]);
  });
});

describe('markdownTable', () => {
  it('writes a row per workload and contender', () => {
    const table = markdownTable([
      workload('backfill', [
        run({ wallSeconds: 350, requests: 1040 }),
        run({
          contender: 'baseline',
          ok: false,
          error: 'exited | 1',
          comparison: { equal: false, collections: collections(9, 10) },
        }),
      ]),
    ]);
    const rows = table.split('\n').map((line) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual([
      'workload',
      'contender',
      'wall (s)',
      'floor (s)',
      'wall ÷ floor',
      'requests',
      'minimum',
      'req ÷ min',
      '429s',
      'peak RSS (MB)',
      'CPU s / 1k docs',
      'docs/s',
      'documents vs truth',
    ]);
    expect(rows[2]).toEqual([
      'backfill-w',
      'connector',
      '350.0',
      '333.3',
      '1.05',
      '1,040',
      '1,000',
      '1.04',
      '0',
      '100',
      '0.500',
      '400',
      '60 / 60 (equal)',
    ]);
    expect(rows[3]?.[1]).toBe('baseline (failed: exited \\| 1)');
    expect(rows[3]?.[12]).toBe('54 / 60 (6 differ)');
    // Columns are padded to one width, as biome formats markdown tables.
    const lengths = table.split('\n').map((line) => line.length);
    expect(new Set(lengths).size).toBe(1);
    expect(table.split('\n')[1]).toMatch(/^\| -{10} \| -{30} \|/);
  });

  it('writes the targets with their verdicts', () => {
    expect(targetsTable([{ name: 'x', value: 2, limit: 1, op: '<=', met: false }])).toBe(
      '| target | value | limit | met    |\n| ------ | ----- | ----- | ------ |\n| x      | 2     | <= 1  | **no** |',
    );
  });
});
