#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DEFAULT_TOKEN, type EmulatorOptions, startEmulator } from './emulator.js';
import { parseFaults } from './server/faults.js';
import { NOTION_LATENCY, parseLatency } from './server/latency.js';
import { parseLimits } from './server/limits.js';
import { parseWebhookFlag } from './webhooks/webhook-options.js';
import type { SizePreset } from './workspace/model.js';
import { SIZE_PRESETS, type WorkspaceOptions } from './workspace/options.js';

const USAGE = `Usage: notion-emulator [options]

  --seed N              workspace / fault seed (default 1)
  --size PRESET         tiny | small | medium | large (default small)
  --pages N             shared pages (standalone + data source rows)
  --users N             listed people
  --data-sources N      data sources
  --blocks-per-page N   average blocks per page
  --standalone-roots N  every standalone page nests under one of N workspace-level pages
  --hidden-data-sources N  data sources search never returns (reachable through pages or databases)
  --child-pages-in-blocks X  share of child pages whose child_page block sits in a toggle or column
  --host HOST           default 127.0.0.1
  --port N              default 8787 (0 = any free port)
  --token T             accepted token (repeatable; default ${DEFAULT_TOKEN})
  --no-read-users       tokens lack the "read user information" capability
  --no-read-comments    tokens lack the "read comments" capability
  --rpm N|off           per-token requests per 60 s window (default 180)
  --workspace-rpm N     per-workspace budget per 60 s window (default off)
  --workspace-retry-after S  Retry-After once the workspace budget is spent (default 430)
  --latency M/P99|off   emulated latency median/p99 in ms (default ${NOTION_LATENCY.medianMs}/${NOTION_LATENCY.p99Ms})
  --faults SPEC         e.g. 500=0.01,502html=0.005,reset=0.001,searchOmitRate=0.01,searchCursorTtlResults=5000
  --time-scale X        emulated time runs X times faster (default 1)
  --query-limit N       rows per data source query before request_status incomplete (default 10000)
  --limits SPEC|off     Notion's real limits (on by default), e.g. searchPositionCap=11200,
                        searchCapMode=reject,cursorTtlSeconds=180,searchOmitPageRate=0.005,
                        searchOmitDataSourceRate=0.05,computedReferenceLimit=25 (a value of off = none)
  --webhooks URL[,k=v]  POST Notion's webhook events for mutations to URL (signed; verification request
                        first), e.g. http://127.0.0.1:8080/,delayMs=2000,aggregateMs=1000,duplicateRate=0.1,
                        reorder=0.2,maxAttempts=8,retryBaseMs=60000,verificationToken=secret_…,
                        events=page.created+comment.created (times in emulated ms)
  --help
`;

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      size: { type: 'string' },
      pages: { type: 'string' },
      users: { type: 'string' },
      'data-sources': { type: 'string' },
      'blocks-per-page': { type: 'string' },
      'standalone-roots': { type: 'string' },
      'hidden-data-sources': { type: 'string' },
      'child-pages-in-blocks': { type: 'string' },
      limits: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string', multiple: true },
      'no-read-users': { type: 'boolean' },
      'no-read-comments': { type: 'boolean' },
      rpm: { type: 'string' },
      'workspace-rpm': { type: 'string' },
      'workspace-retry-after': { type: 'string' },
      latency: { type: 'string' },
      faults: { type: 'string' },
      'time-scale': { type: 'string' },
      'query-limit': { type: 'string' },
      webhooks: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const size = (values.size ?? 'small') as SizePreset;
  if (!(size in SIZE_PRESETS))
    throw new Error(`--size must be one of ${Object.keys(SIZE_PRESETS).join(', ')}`);
  const seed = int('seed', values.seed) ?? 1;
  const workspace: WorkspaceOptions = { seed, size };
  const pages = int('pages', values.pages);
  if (pages !== undefined) workspace.pages = pages;
  const users = int('users', values.users);
  if (users !== undefined) workspace.users = users;
  const dataSources = int('data-sources', values['data-sources']);
  if (dataSources !== undefined) workspace.dataSources = dataSources;
  const blocksPerPage = int('blocks-per-page', values['blocks-per-page']);
  if (blocksPerPage !== undefined) workspace.blocksPerPage = blocksPerPage;
  const standaloneRoots = int('standalone-roots', values['standalone-roots']);
  if (standaloneRoots !== undefined) workspace.standaloneRoots = standaloneRoots;
  const hiddenDataSources = int('hidden-data-sources', values['hidden-data-sources']);
  if (hiddenDataSources !== undefined) workspace.hiddenDataSources = hiddenDataSources;
  if (values['child-pages-in-blocks'] !== undefined)
    workspace.childPagesInBlocks = Number(values['child-pages-in-blocks']);

  const timeScale = values['time-scale'] === undefined ? 1 : Number(values['time-scale']);
  if (!(timeScale > 0)) throw new Error('--time-scale must be a positive number');
  const readUsers = !values['no-read-users'];
  const readComments = !values['no-read-comments'];
  const options: EmulatorOptions = {
    seed,
    workspace,
    host: values.host ?? '127.0.0.1',
    port: int('port', values.port) ?? 8787,
    rpm: values.rpm === 'off' ? null : (int('rpm', values.rpm) ?? 180),
    workspaceRpm: int('workspace-rpm', values['workspace-rpm']) ?? null,
    latency: values.latency === undefined ? NOTION_LATENCY : parseLatency(values.latency),
    timeScale,
    tokens: (values.token ?? [DEFAULT_TOKEN]).map((token) => ({ token, readUsers, readComments })),
  };
  const retryAfter = int('workspace-retry-after', values['workspace-retry-after']);
  if (retryAfter !== undefined) options.workspaceRetryAfterS = retryAfter;
  const queryLimit = int('query-limit', values['query-limit']);
  if (queryLimit !== undefined) options.queryResultLimit = queryLimit;
  if (values.faults) options.faults = parseFaults(values.faults);
  if (values.limits !== undefined) options.limits = parseLimits(values.limits);
  if (values.webhooks !== undefined) options.webhooks = parseWebhookFlag(values.webhooks);

  const started = performance.now();
  const emulator = await startEmulator(options);
  const summary = emulator.groundTruthSummary();
  const ms = Math.round(performance.now() - started);
  process.stdout.write(
    [
      `Notion emulator listening on ${emulator.url} (started in ${ms} ms)`,
      `  NOTION_API_BASE_URL=${emulator.url}`,
      `  token: ${emulator.token}${values.token ? '' : ' (the documented default)'}`,
      `  workspace: seed ${seed}, ${summary.pages} pages, ${summary.blocks} blocks, ${summary.data_sources} data sources, ${summary.users} users`,
      `  limits: ${options.limits === false ? 'off' : 'on (Notion-like: search cap, cursor expiry, omissions, 25-reference rollups)'}`,
      `  rpm: ${options.rpm ?? 'off'}, time scale: ${timeScale}, latency: ${options.latency ? `${options.latency.medianMs}/${options.latency.p99Ms} ms` : 'off'}`,
      `  admin: ${emulator.url}/__emulator/{ground-truth,requests,counters,now,reset,mutations,faults,webhooks}`,
      ...(options.webhooks
        ? [
            `  webhooks: to ${emulator.webhookSubscription()?.url}, verification token ${emulator.webhookSubscription()?.verificationToken}`,
          ]
        : []),
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// `pnpm emulator -- --seed 1` forwards a literal `--`: drop it.
const args = process.argv.slice(2);
main(args[0] === '--' ? args.slice(1) : args).catch((error: unknown) => {
  console.error(`notion-emulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
