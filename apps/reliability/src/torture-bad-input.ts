// The torture check of bad protocol input: seeded corruptions of valid requests (cut short, a
// character replaced, a nested value deleted or replaced with junk), each fed to the bundle alone;
// it must exit 0, or 1 with a clear last line, and never print the token.
import { spawnConnector } from '@source-notion/connector';
import { createRandom } from '@source-notion/notion-emulator';
import { findCanary } from './canary.js';
import { connectorEnv, endpointConfig, openRequest } from './protocol-requests.js';
import { startSeededEmulator } from './suite.js';
import type { TortureOptions } from './torture-options.js';
import type { TortureReport } from './torture-report.js';

function badLines(options: TortureOptions, canary: string): string[] {
  const random = createRandom(options.seed + 11).next;
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

export async function checkBadInputs(
  bundle: string,
  options: TortureOptions,
  report: TortureReport,
): Promise<void> {
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
        report.failures.push(
          `bad input ${text.slice(0, 120)}: exit ${exit.code}, last log ${JSON.stringify(last)}`,
        );
    }
  } finally {
    await emulator.close();
  }
  report.rows.push({
    check: 'bad protocol input',
    tried: lines.length,
    passed,
    lost: 0,
    note: 'exit 0 or 1 with a clear last line',
  });
}
