// Torture mode (run by scripts/torture.mjs): the reliability suite at length. Every fault
// scenario over several seeds (plus the known gaps, whose losses are counted apart), the
// unhealable faults, 50+ SIGKILLs across backfill and incremental sweeps, bad protocol input fed
// to the bundle, and a session of emulated hours against a changing workspace. Prints a table and
// exits non-zero when anything lost a document or misbehaved.
import { spawnConnector } from '@source-notion/connector';
import { buildBundle } from './build-bundle.js';
import { findCanary } from './canary.js';
import {
  collectionDocs,
  diffCollections,
  expectedCollections,
  newCollections,
  reduceInto,
} from './collections.js';
import { type Baseline, crashChain, killPlan, uninterrupted } from './crash.js';
import { startFaultProxy } from './fault-proxy.js';
import { FAULT_SCENARIOS, type FaultScenario, KNOWN_GAP_SCENARIOS } from './fault-scenarios.js';
import { longRun, mutateWorkspace } from './long-run.js';
import { connectorEnv, endpointConfig, openRequest } from './protocol-requests.js';
import { runScenario } from './run-scenario.js';
import { runSession } from './run-session.js';
import { seededRandom } from './seeded-random.js';
import { startSeededEmulator } from './suite.js';
import { UNHEALABLE_CASES } from './unhealable-cases.js';

interface Options {
  seed: number;
  seeds: number;
  kills: number;
  longSweeps: number;
  badInputs: number;
  realTimeout: boolean;
  quick: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    seed: 1000,
    seeds: 2,
    kills: 50,
    longSweeps: 60,
    badInputs: 80,
    realTimeout: false,
    quick: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => Number(argv[++i]);
    if (arg === '--seed') options.seed = next();
    else if (arg === '--seeds') options.seeds = next();
    else if (arg === '--kills') options.kills = next();
    else if (arg === '--long-sweeps') options.longSweeps = next();
    else if (arg === '--bad-inputs') options.badInputs = next();
    else if (arg === '--real-timeout') options.realTimeout = true;
    else if (arg === '--quick') {
      options.quick = true;
      options.seeds = 1;
      options.kills = 12;
      options.longSweeps = 12;
      options.badInputs = 20;
    } else if (arg === '--help' || arg === '-h') {
      process.stderr.write(
        'usage: node scripts/torture.mjs [--seed N] [--seeds N] [--kills N] [--long-sweeps N] [--bad-inputs N] [--real-timeout] [--quick]\n',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

interface Row {
  check: string;
  tried: number;
  passed: number;
  lost: number;
  note: string;
}

const rows: Row[] = [];
const failures: string[] = [];
const say = (text: string) => process.stderr.write(`${text}\n`);

function countFaults(counters: { faults: Record<string, number>; byStatus: Record<string, number> }): number {
  return Object.values(counters.faults).reduce((a, b) => a + b, 0);
}

async function faultMatrix(bundle: string, options: Options): Promise<void> {
  let tried = 0;
  let passed = 0;
  let faults = 0;
  let lost = 0;
  for (let s = 0; s < options.seeds; s++) {
    for (const scenario of FAULT_SCENARIOS) {
      const seed = options.seed + s * 101;
      const result = await runScenario(bundle, scenario, seed);
      tried += 1;
      faults +=
        countFaults(result.counters) +
        (result.counters.byStatus['404'] ?? 0) +
        (result.counters.byStatus['429'] ?? 0) -
        (result.counters.faults['429'] ?? 0);
      const missing = result.diff.reduce((n, d) => n + d.missing.length + d.different.length, 0);
      lost += missing;
      const ok =
        result.happened &&
        result.exitCode === 0 &&
        result.clean &&
        result.logLine !== undefined &&
        result.canaryHits.length === 0 &&
        result.protocolErrors.length === 0 &&
        !result.endedInsideTransaction;
      if (ok) passed += 1;
      else
        failures.push(
          `fault "${scenario.name}" (seed ${seed}): exit ${result.exitCode}, happened ${result.happened}, log ${result.logLine !== undefined}, canary ${result.canaryHits.length}\n${result.diffText}`,
        );
      say(
        `  ${ok ? 'ok  ' : 'FAIL'} ${scenario.name} (seed ${seed}, ${result.requests} requests, ${result.durationMs} ms)`,
      );
    }
  }
  rows.push({ check: 'fault matrix (healable)', tried, passed, lost, note: `${faults} faults played` });
  if (options.realTimeout) await realTimeout(bundle, options);

  let gapLost = 0;
  for (const scenario of KNOWN_GAP_SCENARIOS) {
    const result = await runScenario(bundle, scenario, options.seed);
    const missing = result.diff.reduce((n, d) => n + d.missing.length + d.different.length, 0);
    gapLost += missing;
    say(`  gap  ${scenario.name}: ${missing} documents missing or stale`);
  }
  rows.push({
    check: 'known gaps (not healed)',
    tried: KNOWN_GAP_SCENARIOS.length,
    passed: 0,
    lost: gapLost,
    note: 'counted apart; see the README',
  });
}

/** A response slower than the client's real 70 s header timeout (no time scale): ~75 s. */
async function realTimeout(bundle: string, options: Options): Promise<void> {
  const scenario: FaultScenario = {
    name: 'slow response beyond the real 70 s header timeout',
    streams: ['users'],
    timeScale: 1,
    emulator: { faults: { schedule: [{ kind: 'slow', at: 1 }], slowMs: 75_000 } },
    expectLog: /retrying .*[Tt]ime(d )?out/,
    // The emulator logs a request only once it answered it; the client gave up first, so the
    // retry log line (Headers Timeout) is the evidence.
    happened: () => true,
    timeoutMs: 150_000,
  };
  const result = await runScenario(bundle, scenario, options.seed);
  const ok = result.happened && result.exitCode === 0 && result.clean && result.logLine !== undefined;
  rows.push({
    check: 'real header timeout',
    tried: 1,
    passed: ok ? 1 : 0,
    lost: 0,
    note: result.logLine?.slice(0, 60) ?? 'no timeout log',
  });
  if (!ok) failures.push(`real timeout: exit ${result.exitCode}, log ${result.logLine}, ${result.diffText}`);
}

async function unhealable(bundle: string, options: Options): Promise<void> {
  const { emulator, canary } = await startSeededEmulator({
    seed: options.seed,
    canarySeed: options.seed + 7,
    timeScale: 100,
  });
  let passed = 0;
  let lost = 0;
  try {
    for (const item of UNHEALABLE_CASES) {
      const proxy = await startFaultProxy(emulator.url, item.rule);
      const env = connectorEnv(proxy.url, { SOURCE_NOTION_TIME_SCALE: '100' });
      const failed = await runSession({
        bundle,
        env,
        open: openRequest({ config: endpointConfig(canary), state: {} }),
      }).finally(() => proxy.close());
      const resumed = await runSession({
        bundle,
        env: connectorEnv(emulator.url, { SOURCE_NOTION_TIME_SCALE: '100' }),
        open: openRequest({ config: endpointConfig(canary), state: failed.state }),
      });
      const all = newCollections();
      reduceInto(all, failed.committed);
      reduceInto(all, resumed.committed);
      const diff = diffCollections(collectionDocs(all), expectedCollections(emulator));
      const missing = diff.reduce((n, d) => n + d.missing.length, 0);
      lost += missing;
      const ok =
        failed.exit.code === 1 &&
        item.message.test(failed.exit.lastLog?.msg ?? '') &&
        !failed.exit.endedInsideTransaction &&
        failed.uncommitted === 0 &&
        resumed.exit.code === 0 &&
        missing === 0 &&
        findCanary(canary, ...failed.transcript, ...resumed.transcript, failed.state).length === 0;
      if (ok) passed += 1;
      else
        failures.push(
          `unhealable "${item.name}": exit ${failed.exit.code}, last log ${failed.exit.lastLog?.msg}, missing ${missing}`,
        );
      say(`  ${ok ? 'ok  ' : 'FAIL'} ${item.name}: "${failed.exit.lastLog?.msg.slice(0, 90)}…"`);
    }
  } finally {
    await emulator.close();
  }
  rows.push({
    check: 'unhealable faults',
    tried: UNHEALABLE_CASES.length,
    passed,
    lost,
    note: 'exit 1, clear last line, resumable',
  });
}

async function crashes(bundle: string, options: Options): Promise<void> {
  const { emulator, canary } = await startSeededEmulator({
    seed: options.seed,
    canarySeed: options.seed + 9,
    workspace: { pages: 40 },
    rpm: 600,
    timeScale: 100,
  });
  const random = seededRandom(options.seed + 3);
  let kills = 0;
  let survived = 0;
  let chains = 0;
  let lost = 0;
  const rework: number[] = [];
  try {
    const base = { bundle, emulator, canary, start: {} as unknown, timeScale: 100 };
    const backfill: Baseline = await uninterrupted(base);
    const half = Math.ceil(options.kills / 2);
    // Backfill: chains of 1–3 kills until half the kills landed.
    const runChains = async (opts: typeof base, baseline: Baseline, target: number, label: string) => {
      let landed = 0;
      let n = 0;
      while (landed < target) {
        n += 1;
        const perChain = 1 + Math.floor(random() * 3);
        const points = killPlan(
          options.seed + n * 7 + (label === 'incremental' ? 5000 : 0),
          baseline.stdoutLines,
          1,
          perChain,
        )[0]!;
        const chain = await crashChain(opts, baseline, points);
        chains += 1;
        landed += chain.kills.length;
        kills += chain.kills.length;
        lost += chain.lost;
        rework.push(chain.kills.length === 0 ? 0 : chain.rework / chain.kills.length);
        const ok =
          chain.problems.length === 0 && chain.diffFromBaseline === '' && chain.canaryHits.length === 0;
        if (ok) survived += chain.kills.length;
        else
          failures.push(
            `crash chain (${label}, kills at ${chain.kills.join(',')}): ${chain.problems.join('; ')} ${chain.diffFromBaseline}`,
          );
        say(
          `  ${ok ? 'ok  ' : 'FAIL'} ${label} chain ${n}: killed after lines ${chain.kills.join(', ') || '(none landed)'}; ${chain.sessions} sessions, rework ${chain.rework} requests (baseline ${baseline.requests})`,
        );
      }
    };
    await runChains(base, backfill, half, 'backfill');
    // Incremental: the workspace changes after the backfill, then chains from the backfill state.
    mutateWorkspace(emulator, random);
    mutateWorkspace(emulator, random);
    const incremental = { ...base, start: backfill.state, prior: backfill.committed };
    const incrementalBaseline = await uninterrupted(incremental);
    await runChains(incremental, incrementalBaseline, options.kills - half, 'incremental');
  } finally {
    await emulator.close();
  }
  const mean = rework.reduce((a, b) => a + b, 0) / Math.max(1, rework.length);
  rows.push({
    check: 'crashes (SIGKILL + restart)',
    tried: kills,
    passed: survived,
    lost,
    note: `${chains} chains; rework/kill mean ${mean.toFixed(1)}, max ${Math.max(0, ...rework).toFixed(0)} requests`,
  });
}

function badLines(options: Options, canary: string): string[] {
  const random = seededRandom(options.seed + 11);
  const valid: Array<Record<string, unknown>> = [
    { spec: { connectorType: 'IMAGE', config: {} } },
    { discover: { connectorType: 'IMAGE', config: endpointConfig(canary) } },
    {
      validate: {
        name: 'acmeCo/notion',
        config: endpointConfig(canary),
        bindings: [{ resourceConfig: { stream: 'pages' }, collection: { name: 'acmeCo/pages' } }],
      },
    },
    openRequest({ config: endpointConfig(canary), state: {}, streams: ['users'] }),
  ];
  const junk = [null, 0, -1, '', 'x', [], {}, true, 'tasks', '2999-01-01', { stream: 'nope' }, canary];
  const lines: string[] = [];
  for (let i = 0; i < options.badInputs; i++) {
    const base = JSON.parse(JSON.stringify(valid[Math.floor(random() * valid.length)])) as Record<
      string,
      unknown
    >;
    const text = JSON.stringify(base);
    const how = Math.floor(random() * 4);
    if (how === 0) {
      lines.push(text.slice(0, Math.floor(random() * text.length)));
      continue;
    }
    if (how === 1) {
      const at = Math.floor(random() * text.length);
      lines.push(
        `${text.slice(0, at)}${String.fromCharCode(32 + Math.floor(random() * 90))}${text.slice(at + 1)}`,
      );
      continue;
    }
    // Replace or delete one nested value.
    const paths: Array<Array<string | number>> = [];
    const walk = (value: unknown, path: Array<string | number>) => {
      if (typeof value !== 'object' || value === null) return;
      for (const [key, item] of Object.entries(value)) {
        const p = [...path, Array.isArray(value) ? Number(key) : key];
        paths.push(p);
        walk(item, p);
      }
    };
    walk(base, []);
    const path = paths[Math.floor(random() * paths.length)]!;
    let parent = base as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    if (how === 2) delete parent[last];
    else parent[last] = junk[Math.floor(random() * junk.length)];
    lines.push(JSON.stringify(base));
  }
  return lines;
}

async function badInputs(bundle: string, options: Options): Promise<void> {
  const { emulator, canary } = await startSeededEmulator({
    seed: options.seed,
    canarySeed: options.seed + 13,
    timeScale: 100,
  });
  let passed = 0;
  const lines = badLines(options, canary);
  try {
    for (const text of lines) {
      const logs: string[] = [];
      const stdout: string[] = [];
      const run = spawnConnector({
        command: { command: process.execPath, args: [bundle] },
        env: connectorEnv(emulator.url, { SOURCE_NOTION_TIME_SCALE: '100' }),
        onLog: (log) => logs.push(JSON.stringify(log)),
        onResponse: (response) => stdout.push(JSON.stringify(response)),
      });
      run.child.stdin?.write(`${text}\n`);
      run.end();
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 30_000);
      const exit = await run.done.finally(() => clearTimeout(timer));
      const last = exit.lastLog;
      const ok =
        (exit.code === 0 ||
          (exit.code === 1 &&
            last?.level === 'error' &&
            !/\n\s+at /.test(last.msg) &&
            last.msg.length > 10)) &&
        exit.protocolErrors.length === 0 &&
        !exit.endedInsideTransaction &&
        findCanary(canary, ...logs, ...stdout).length === 0;
      if (ok) passed += 1;
      else
        failures.push(`bad input ${text.slice(0, 120)}: exit ${exit.code}, last log ${JSON.stringify(last)}`);
    }
  } finally {
    await emulator.close();
  }
  rows.push({
    check: 'bad protocol input',
    tried: lines.length,
    passed,
    lost: 0,
    note: 'exit 0 or 1 with a clear last line',
  });
}

async function long(bundle: string, options: Options): Promise<void> {
  const { emulator, canary } = await startSeededEmulator({
    seed: options.seed,
    canarySeed: options.seed + 17,
    workspace: { pages: 60 },
    timeScale: 1000,
  });
  try {
    const result = await longRun({
      bundle,
      emulator,
      canary,
      timeScale: 1000,
      sweeps: options.longSweeps,
      interval: 'PT10M',
      seed: options.seed,
      sampleEveryMs: 250,
      timeoutMs: 30 * 60_000,
    });
    const missing = result.diffFromTruth === '' ? 0 : result.diffFromTruth.split('\n').length;
    const ok =
      result.session.exit.code === 0 &&
      result.diffFromTruth === '' &&
      result.canaryHits.length === 0 &&
      result.bytesPerPageLast < result.bytesPerPageFirst * 1.3;
    rows.push({
      check: 'long run',
      tried: 1,
      passed: ok ? 1 : 0,
      lost: missing,
      note: `${result.emulatedHours.toFixed(1)} h emulated, ${result.mutations} mutations; RSS ${(result.rssFirstKiB / 1024).toFixed(0)}→${(result.rssLastKiB / 1024).toFixed(0)} MiB (max ${(result.rssMaxKiB / 1024).toFixed(0)}), slope ${result.rssSlopeKiBPerHour.toFixed(0)} KiB per emulated hour (second half); state ${result.bytesPerPageFirst.toFixed(0)}→${result.bytesPerPageLast.toFixed(0)} B/page (${result.pagesFirst}→${result.pagesLast} pages)`,
    });
    if (!ok) failures.push(`long run: exit ${result.session.exit.code}, ${result.diffFromTruth}`);
  } finally {
    await emulator.close();
  }
}

function printTable(): void {
  const header = ['check', 'tried', 'passed', 'docs lost', 'notes'];
  const body = rows.map((r) => [r.check, String(r.tried), String(r.passed), String(r.lost), r.note]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  say('');
  say(fmt(header));
  say(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of body) say(fmt(row));
  const sum = (name: string) => rows.filter((r) => r.check.startsWith(name));
  const faultsTried = sum('fault matrix').reduce(
    (n, r) => n + Number(/(\d+) faults/.exec(r.note)?.[1] ?? 0),
    0,
  );
  const crashes = sum('crashes')[0];
  const bad = sum('bad protocol')[0];
  const lost = rows.filter((r) => r.check !== 'known gaps (not healed)').reduce((n, r) => n + r.lost, 0);
  say('');
  say(`faults tried: ${faultsTried} (in ${sum('fault matrix')[0]?.tried ?? 0} scenario runs)`);
  say(`crashes survived: ${crashes?.passed ?? 0} of ${crashes?.tried ?? 0}`);
  say(`bad inputs tried: ${bad?.tried ?? 0} (${bad?.passed ?? 0} handled)`);
  say(`documents lost: ${lost}${lost === 0 ? '' : '  <-- MUST BE ZERO'}`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const bundle = buildBundle();
  try {
    say(
      `torture: seed ${options.seed}, ${options.seeds} seed(s) per fault, ${options.kills} kills, ${options.longSweeps} long-run sweeps`,
    );
    say('fault matrix…');
    await faultMatrix(bundle.path, options);
    say('unhealable faults…');
    await unhealable(bundle.path, options);
    say('crashes…');
    await crashes(bundle.path, options);
    say('bad input…');
    await badInputs(bundle.path, options);
    say('long run…');
    await long(bundle.path, options);
  } finally {
    bundle.cleanup();
  }
  printTable();
  say(`\n${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (failures.length > 0) {
    say(`\n${failures.length} failure(s):`);
    for (const failure of failures) say(`- ${failure}`);
    process.exitCode = 1;
  }
}

await main();
