/**
 * `pnpm bench [-- --quick] [--only a,b] [--no-baseline] [--rebuild] [--profile] [--strict]`
 *
 * Runs every workload (see workloads.ts) for the connector's bundle and the baseline, each
 * against its own emulator process, prints a markdown table and the targets, and writes
 * results/latest.json and an SVG chart per workload (results/quick/ for --quick).
 */

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BENCH_DIR,
  buildBaselineBundle,
  buildEmulatorBundle,
  CONNECTOR_BUNDLE,
  ensureConnectorBundle,
} from './bundle.js';
import { latencyTable, markdownTable, steadyTable, targetsTable } from './report.js';
import { evaluateTargets } from './results.js';
import { type MeasuredWorkload, runWorkload } from './run-workload.js';
import { rateChartSvg } from './svg-chart.js';
import { runWebhookLatency } from './webhook-latency.js';
import { webhookLatency, workloads } from './workloads.js';

const COLORS = { connector: '#1f77b4', baseline: '#ff7f0e' } as const;

function parseCli(argv: string[]) {
  // pnpm forwards the `--` of `pnpm bench -- --quick` as an argument: drop it.
  const args = argv.filter((arg) => arg !== '--');
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-baseline': { type: 'boolean', default: false },
      'no-connector': { type: 'boolean', default: false },
      rebuild: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  return values;
}

const README_START = '<!-- bench:results:start -->';
const README_END = '<!-- bench:results:end -->';

function updateReadme(section: string): void {
  const path = join(BENCH_DIR, 'README.md');
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return;
  writeFileSync(path, `${text.slice(0, start + README_START.length)}\n${section}\n${text.slice(end)}`);
}

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]}\n`);
    return;
  }
  const mode = options.quick ? 'quick' : 'full';
  const log = (message: string) => console.error(message);
  const only = options.only?.split(',').map((s) => s.trim());

  let connectorBundle: string | undefined;
  if (!options['no-connector']) {
    try {
      connectorBundle = ensureConnectorBundle(options.rebuild);
    } catch (error) {
      log(`${error instanceof Error ? error.message : String(error)}: measuring the baseline only`);
    }
  }
  const baselineBundle = await buildBaselineBundle();
  const emulatorBundle = await buildEmulatorBundle();
  const outDir = join(BENCH_DIR, 'results', mode === 'quick' ? 'quick' : '');
  mkdirSync(outDir, { recursive: true });
  const profileDir = join(outDir, 'profiles');
  if (options.profile) mkdirSync(profileDir, { recursive: true });

  // The bundle as measured (another build may replace it during a long run: checked at the end).
  const bundleInfo = () =>
    connectorBundle
      ? {
          path: relative(BENCH_DIR, CONNECTOR_BUNDLE),
          sha256: createHash('sha256').update(readFileSync(CONNECTOR_BUNDLE)).digest('hex'),
          modified: statSync(CONNECTOR_BUNDLE).mtime.toISOString(),
        }
      : null;
  const bundleAtStart = bundleInfo();
  const started = Date.now();
  const loadBefore = loadavg()[0];
  const measured: MeasuredWorkload[] = [];
  const specs = workloads(mode);
  const followUps = (spec: (typeof specs)[number]) => [
    ...(spec.blocksComparison ? [spec.blocksComparison.name] : []),
    ...(spec.incremental ? [spec.incremental.name] : []),
    ...(spec.steady ? [spec.steady.name] : []),
    ...(spec.steadyWebhooks ? [spec.steadyWebhooks.name] : []),
  ];
  const latencySpec = webhookLatency(mode);
  const names = [...specs.flatMap((spec) => [spec.name, ...followUps(spec)]), latencySpec.name];
  // A whole workload name selects that workload alone; anything else is a prefix.
  const selects = (name: string, workload: string) =>
    names.includes(name) ? workload === name : workload.startsWith(name);
  for (const spec of specs) {
    if (
      only &&
      !only.some((name) => selects(name, spec.name) || followUps(spec).some((f) => selects(name, f)))
    )
      continue;
    const contenders = spec.contenders.filter(
      (c) => !(c === 'baseline' && options['no-baseline']) && !(c === 'connector' && !connectorBundle),
    );
    if (contenders.length === 0) continue;
    // Selected through a follow-up only: the steady states not asked for are left out.
    const wanted = <T extends { name: string }>(follow: T | undefined): T | undefined =>
      follow && (!only || only.some((name) => selects(name, spec.name) || selects(name, follow.name)))
        ? follow
        : undefined;
    const results = await runWorkload(
      { ...spec, contenders, steady: wanted(spec.steady), steadyWebhooks: wanted(spec.steadyWebhooks) },
      {
        connectorBundle,
        baselineBundle,
        emulatorBundle,
        connectorNodeArgs: options.profile
          ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, spec.name)}`]
          : [],
        log,
      },
    );
    for (const workload of results) {
      const file = `${workload.name}.svg`;
      writeFileSync(
        join(outDir, file),
        rateChartSvg({
          title: `${workload.name}: requests per second (${workload.requestsPerMinute ?? 'no'} rpm budget, emulated time)`,
          budgetPerSecond: workload.requestsPerMinute === null ? null : workload.requestsPerMinute / 60,
          series: workload.traces.map((trace) => ({
            name: trace.contender,
            color: COLORS[trace.contender],
            requestTimes: trace.requestTimes,
            rateLimitedTimes: trace.rateLimitedTimes,
          })),
        }),
      );
      workload.chart = file;
      measured.push(workload);
    }
  }

  if (connectorBundle && (!only || only.some((name) => selects(name, latencySpec.name))))
    measured.push(
      await runWebhookLatency(latencySpec, {
        connectorBundle,
        baselineBundle,
        emulatorBundle,
        connectorNodeArgs: [],
        log,
      }),
    );

  const targets = evaluateTargets(measured);
  // Workloads measured as runs (the latency workload has its own table).
  const table = measured.some((w) => w.runs.length > 0) ? markdownTable(measured) : '';
  const steady = steadyTable(measured);
  const latency = latencyTable(measured);
  const targetLines = targetsTable(targets);
  const incremental = measured.find((w) => w.kind === 'incremental');
  const connectorIncremental = incremental?.runs.find((r) => r.contender === 'connector');
  const baselineIncremental = incremental?.runs.find((r) => r.contender === 'baseline');
  const markdownRun = measured.find((w) => w.kind === 'markdown-backfill')?.runs[0];
  const blocksWalkRun = measured.find((w) => w.kind === 'blocks-comparison')?.runs[0];
  const comparisons = {
    incrementalBaselineOverConnectorRequests:
      connectorIncremental && baselineIncremental && connectorIncremental.requests > 0
        ? baselineIncremental.requests / connectorIncremental.requests
        : null,
    blocksWalkOverPageMarkdownRequests:
      markdownRun && blocksWalkRun && markdownRun.requests > 0
        ? blocksWalkRun.requests / markdownRun.requests
        : null,
  };
  const output = {
    mode,
    generatedAt: new Date().toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    // Other processes on the machine skew time-scaled figures: the 1-minute load average before and after.
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      node: process.version,
      loadAverage: [Number(loadBefore?.toFixed(2)), Number(loadavg()[0]?.toFixed(2))],
    },
    connectorBundle: bundleAtStart && {
      ...bundleAtStart,
      changedDuringRun: bundleInfo()?.sha256 !== bundleAtStart.sha256,
    },
    workloads: measured.map(({ traces, ...workload }) => ({
      ...workload,
      runs: workload.runs.map((run) => ({
        ...run,
        wallOverFloor: workload.floorSeconds ? run.wallSeconds / workload.floorSeconds : null,
        requestsOverMinimum: run.requests / workload.minimum.total,
        cpuSecondsPer1kDocuments: run.documents > 0 ? (run.cpuSeconds / run.documents) * 1000 : null,
        peakRssMB: run.peakRssBytes / 2 ** 20,
      })),
    })),
    comparisons,
    targets,
  };
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(output, null, 2)}\n`);

  const ratio = comparisons.incrementalBaselineOverConnectorRequests;
  const report = [
    table,
    '',
    ...(steady ? [steady, ''] : []),
    ...(latency ? [latency, ''] : []),
    ratio === null
      ? ''
      : `Incremental sweep: the baseline re-walks everything and makes ${ratio.toFixed(1)}× the connector's requests.\n`,
    comparisons.blocksWalkOverPageMarkdownRequests === null
      ? ''
      : `page_markdown: a blocks-only walk of the same workspace makes ${comparisons.blocksWalkOverPageMarkdownRequests.toFixed(1)}× the requests of the page_markdown-only capture.\n`,
    targetLines,
    '',
    output.connectorBundle?.changedDuringRun
      ? 'Warning: the connector bundle was rebuilt during this run; its rows may mix two builds.\n'
      : '',
    `Targets met: ${targets.filter((t) => t.met).length} of ${targets.length}. ${mode} run, ${output.durationSeconds.toFixed(0)} s, ${output.machine.cpus} CPUs (load average ${output.machine.loadAverage.join(' → ')}), Node ${process.version}.`,
  ].join('\n');
  process.stdout.write(`${report}\n`); // the report is this command's output (the bench is not a connector)
  if (mode === 'full' && !only) updateReadme(report);
  log(`wrote ${relative(process.cwd(), join(outDir, 'latest.json'))} and ${measured.length} charts`);
  if (options.strict && targets.some((t) => !t.met)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
