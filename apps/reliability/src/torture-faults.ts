// The torture checks of faults: every healable fault scenario over several seeds (the known gaps
// run too, their losses counted apart), optionally one response slower than the real header
// timeout, and the unhealable faults followed by a session that must complete the capture.
import { findCanary } from './canary.js';
import {
  collectionDocs,
  diffCollections,
  expectedCollections,
  newCollections,
  reduceInto,
} from './collections.js';
import { startFaultProxy } from './fault-proxy.js';
import { FAULT_SCENARIOS, type FaultScenario, KNOWN_GAP_SCENARIOS } from './fault-scenarios.js';
import { connectorEnv, endpointConfig, openRequest } from './protocol-requests.js';
import { runScenario } from './run-scenario.js';
import { runSession } from './run-session.js';
import { startSeededEmulator } from './suite.js';
import type { TortureOptions } from './torture-options.js';
import { say, type TortureReport } from './torture-report.js';
import { UNHEALABLE_CASES } from './unhealable-cases.js';

function countFaults(counters: { faults: Record<string, number>; byStatus: Record<string, number> }): number {
  return Object.values(counters.faults).reduce((a, b) => a + b, 0);
}

export async function checkFaultMatrix(
  bundle: string,
  options: TortureOptions,
  report: TortureReport,
): Promise<void> {
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
        report.failures.push(
          `fault "${scenario.name}" (seed ${seed}): exit ${result.exitCode}, happened ${result.happened}, log ${result.logLine !== undefined}, canary ${result.canaryHits.length}\n${result.diffText}`,
        );
      say(
        `  ${ok ? 'ok  ' : 'FAIL'} ${scenario.name} (seed ${seed}, ${result.requests} requests, ${result.durationMs} ms)`,
      );
    }
  }
  report.rows.push({
    check: 'fault matrix (healable)',
    tried,
    passed,
    lost,
    note: `${faults} faults played`,
  });
  if (options.realTimeout) await checkRealTimeout(bundle, options, report);

  let gapLost = 0;
  for (const scenario of KNOWN_GAP_SCENARIOS) {
    const result = await runScenario(bundle, scenario, options.seed);
    const missing = result.diff.reduce((n, d) => n + d.missing.length + d.different.length, 0);
    gapLost += missing;
    say(`  gap  ${scenario.name}: ${missing} documents missing or stale`);
  }
  report.rows.push({
    check: 'known gaps (not healed)',
    tried: KNOWN_GAP_SCENARIOS.length,
    passed: 0,
    lost: gapLost,
    note: 'counted apart; see the README',
  });
}

/** A response slower than the client's real 70 s header timeout (no time scale): ~75 s. */
async function checkRealTimeout(
  bundle: string,
  options: TortureOptions,
  report: TortureReport,
): Promise<void> {
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
  report.rows.push({
    check: 'real header timeout',
    tried: 1,
    passed: ok ? 1 : 0,
    lost: 0,
    note: result.logLine?.slice(0, 60) ?? 'no timeout log',
  });
  if (!ok)
    report.failures.push(`real timeout: exit ${result.exitCode}, log ${result.logLine}, ${result.diffText}`);
}

export async function checkUnhealable(
  bundle: string,
  options: TortureOptions,
  report: TortureReport,
): Promise<void> {
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
        report.failures.push(
          `unhealable "${item.name}": exit ${failed.exit.code}, last log ${failed.exit.lastLog?.msg}, missing ${missing}`,
        );
      say(`  ${ok ? 'ok  ' : 'FAIL'} ${item.name}: "${failed.exit.lastLog?.msg.slice(0, 90)}…"`);
    }
  } finally {
    await emulator.close();
  }
  report.rows.push({
    check: 'unhealable faults',
    tried: UNHEALABLE_CASES.length,
    passed,
    lost,
    note: 'exit 1, clear last line, resumable',
  });
}
