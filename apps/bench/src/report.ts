import { LATENCY_KINDS } from './latency-figures.js';
import {
  cpuSecondsPer1kDocuments,
  documentMismatches,
  requestsOverMinimum,
  type Target,
  type WorkloadResult,
  wallOverFloor,
} from './results.js';

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

function integer(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A markdown table with padded, aligned columns (the layout biome's formatter writes). */
export function alignedTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) =>
    Math.max(3, cell.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function documentsCell(run: WorkloadResult['runs'][number]): string {
  const captured = Object.values(run.comparison.collections).reduce((sum, c) => sum + c.captured, 0);
  const expected = Object.values(run.comparison.collections).reduce((sum, c) => sum + c.expected, 0);
  const mismatches = documentMismatches(run);
  const verdict = run.comparison.equal ? 'equal' : `${integer(mismatches)} differ`;
  return `${integer(captured)} / ${integer(expected)} (${verdict})`;
}

/** The results as one markdown table: a row per workload and contender. */
export function markdownTable(workloads: readonly WorkloadResult[]): string {
  const header = [
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
  ];
  const rows: string[][] = [];
  for (const workload of workloads) {
    for (const run of workload.runs) {
      const cells = [
        workload.name,
        run.ok ? run.contender : `${run.contender} (failed: ${escapeCell(run.error ?? 'unknown')})`,
        fixed(run.wallSeconds, 1),
        fixed(workload.floorSeconds, 1),
        fixed(wallOverFloor(workload, run), 2),
        integer(run.requests),
        integer(workload.minimum.total),
        fixed(requestsOverMinimum(workload, run), 2),
        integer(run.rateLimited),
        fixed(run.peakRssBytes / 2 ** 20, 0),
        fixed(cpuSecondsPer1kDocuments(run), 3),
        integer(run.documentsPerSecond),
        documentsCell(run),
      ];
      rows.push(cells);
    }
  }
  return alignedTable(header, rows);
}

/** The targets as a markdown table. */
export function targetsTable(targets: readonly Target[]): string {
  return alignedTable(
    ['target', 'value', 'limit', 'met'],
    targets.map((target) => [
      escapeCell(target.name),
      target.value === null ? '–' : String(target.value),
      `${target.op} ${target.limit}`,
      target.met ? 'yes' : '**no**',
    ]),
  );
}

function share(value: number, of: number): string {
  return of > 0 ? `${((value / of) * 100).toFixed(1)}%` : '–';
}

/** The steady-state workloads: requests per emulated day by kind, each also as a share of the daily budget. */
export function steadyTable(workloads: readonly WorkloadResult[]): string {
  const rows = workloads.flatMap((workload) => {
    const steady = workload.steady;
    if (!steady) return [];
    const cell = (n: number) => `${integer(n)} (${share(n, steady.dailyBudget)})`;
    const logged = steady.loggedByKindPerDay;
    const ownCounts = logged
      ? [
          [
            `${workload.name} (page sweeps' own counts)`,
            cell(logged.sweeps + logged.commentRefresh + logged.deletionScans + logged.other),
            cell(logged.sweeps),
            cell(logged.commentRefresh),
            cell(logged.deletionScans),
            '–',
            '',
            '',
          ],
        ]
      : [];
    return [
      [
        workload.name,
        cell(steady.requestsPerDay),
        cell(steady.byKind.sweeps),
        cell(steady.byKind.commentRefresh),
        cell(steady.byKind.deletionScans),
        cell(steady.byKind.other),
        `${integer(steady.sweeps)} (${steady.scans} scans, ${steady.refreshes} refreshes)`,
        `${integer(steady.changes.applied)} / ${integer(steady.changes.planned)}`,
      ],
      ...ownCounts,
    ];
  });
  if (rows.length === 0) return '';
  return alignedTable(
    [
      'steady state',
      'requests / day (of budget)',
      'sweeps',
      'comment refresh',
      'deletion scans',
      'other',
      'sweeps done',
      'changes made',
    ],
    rows,
  );
}

/** The webhook-latency workload: per kind of change and mode, latency from the mutation (and from the event's delivery). */
export function latencyTable(workloads: readonly WorkloadResult[]): string {
  const seconds = (v: number | null) => (v === null ? '–' : fixed(v, 1));
  const rows = workloads.flatMap((workload) =>
    (workload.latency ?? []).flatMap((mode) =>
      LATENCY_KINDS.map((kind) => {
        const k = mode.byKind[kind];
        return [
          mode.ok ? workload.name : `${workload.name} (failed: ${escapeCell(mode.error ?? 'unknown')})`,
          mode.webhooks
            ? `webhooks (×${mode.timeScale})`
            : `polling, every ${mode.pollingIntervalSeconds} s (×${mode.timeScale})`,
          kind,
          `${k.samples - k.unseen} / ${k.samples}`,
          seconds(k.fromMutation.medianSeconds),
          seconds(k.fromMutation.p95Seconds),
          mode.webhooks ? seconds(k.fromDelivery.medianSeconds) : '–',
          mode.webhooks ? seconds(k.fromDelivery.p95Seconds) : '–',
        ];
      }),
    ),
  );
  if (rows.length === 0) return '';
  return alignedTable(
    [
      'latency',
      'mode',
      'change',
      'seen',
      'median from mutation (s)',
      'p95 from mutation (s)',
      'median from delivery (s)',
      'p95 from delivery (s)',
    ],
    rows,
  );
}
