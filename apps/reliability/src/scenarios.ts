// The fault scenarios of the reliability suite, shared by the CI tests (*.test.ts here) and the
// torture script. Each one starts an emulator with a seeded fault plan, runs the bundle through
// the protocol against it, and reports whether the merged, reduced collections equal the
// emulator's ground truth, which log lines told a person what happened, and whether the canary
// token leaked anywhere.

import type { ConnectorLog } from '@source-notion/connector';
import type { Counters, Emulator, EmulatorOptions, WorkspaceOptions } from '@source-notion/notion-emulator';
import { startEmulator } from '@source-notion/notion-emulator';
import {
  canaryToken,
  collectionDocs,
  connectorEnv,
  type Doc,
  describeDiff,
  diffCollections,
  endpointConfig,
  envelopeLeaks,
  expectedCollections,
  type FaultProxy,
  findCanary,
  isClean,
  newCollections,
  openRequest,
  type ProxyRule,
  reduceInto,
  runSession,
  type SessionResult,
  SMALL_WORKSPACE,
  STREAMS,
  type StreamDiff,
  type StreamName,
  startFaultProxy,
} from './harness.js';

export { SMALL_WORKSPACE };

/** Enough pages that search answers in two pages (page_size 100): cursors get used. */
export const PAGED_WORKSPACE: WorkspaceOptions = {
  pages: 150,
  users: 3,
  dataSources: 3,
  blocksPerPage: 2,
  maxDepth: 3,
  unsharedPages: 1,
};

export const DEFAULT_TIME_SCALE = 100;

export interface FaultScenario {
  name: string;
  /** What a person should find in the logs: matched against `level msg fields-json` of each line. */
  expectLog: RegExp;
  /** Checks the fault really happened (from the emulator's counters). */
  happened: (counters: Counters) => boolean;
  emulator?: Omit<EmulatorOptions, 'tokens' | 'seed'>;
  workspace?: WorkspaceOptions;
  streams?: readonly StreamName[];
  timeScale?: number;
  /** Between a first (clean) session and the faulty one: mutate the workspace. Then the second session runs `sweeps` sweeps. */
  mutateBetween?: (emulator: Emulator) => void;
  sweeps?: number;
  interval?: string;
  /** Real-time limit of each session. */
  timeoutMs?: number;
  /** Put a fault proxy (see harness) between the connector and the emulator. */
  proxy?: (emulator: Emulator) => ProxyRule;
  /** What a complete capture holds under this fault, from the ground truth. */
  adjustExpected?: (expected: Record<StreamName, Doc[]>, emulator: Emulator) => Record<StreamName, Doc[]>;
}

const fault =
  (kind: string, min = 1) =>
  (c: Counters) =>
    (c.faults[kind] ?? 0) >= min;
const status = (code: number) => (c: Counters) => (c.byStatus[String(code)] ?? 0) >= 1;

/** The healable faults: each must end with collections equal to the ground truth. */
export const FAULT_SCENARIOS: FaultScenario[] = [
  {
    name: '429 with a short Retry-After',
    emulator: { faults: { rates: { '429': 0.08 }, retryAfterS: 2 } },
    expectLog: /pausing all Notion requests.*429/,
    happened: fault('429', 2),
  },
  {
    name: '429 with a multi-minute Retry-After (time-scaled)',
    // One rate limit of 5 emulated minutes: 3 s of real time at 100x.
    emulator: { faults: { schedule: [{ kind: '429', at: 12 }], retryAfterS: 300 } },
    expectLog: /pausing all Notion requests.*"pauseMs":300000/,
    happened: fault('429'),
  },
  {
    name: 'workspace rate limit (Retry-After 430 s, time-scaled)',
    emulator: { workspaceRpm: 15, workspaceRetryAfterS: 430 },
    timeScale: 200,
    expectLog: /pausing all Notion requests.*429/,
    happened: (c) => c.rateLimited >= 1,
  },
  {
    name: '529 service_overload',
    emulator: { faults: { rates: { '529': 0.08 }, retryAfterS: 2 } },
    expectLog: /pausing all Notion requests.*529/,
    happened: fault('529', 2),
  },
  {
    name: '500 internal_server_error',
    emulator: { faults: { rates: { '500': 0.08 } } },
    expectLog: /retrying .*"status":500/,
    happened: fault('500', 2),
  },
  {
    name: '502 with a JSON body',
    emulator: { faults: { rates: { '502json': 0.08 } } },
    expectLog: /retrying .*"status":502/,
    happened: fault('502json', 2),
  },
  {
    name: '502 with an HTML body',
    emulator: { faults: { rates: { '502html': 0.08 } } },
    expectLog: /retrying .*"status":502/,
    happened: fault('502html', 2),
  },
  {
    name: '503 service_unavailable',
    emulator: { faults: { rates: { '503': 0.08 } } },
    expectLog: /retrying .*"status":503/,
    happened: fault('503', 2),
  },
  {
    name: '504 gateway_timeout',
    emulator: { faults: { rates: { '504': 0.08 } } },
    expectLog: /retrying .*"status":504/,
    happened: fault('504', 2),
  },
  {
    name: 'connection resets',
    emulator: { faults: { rates: { reset: 0.08 } } },
    expectLog: /retrying .*"error":/,
    happened: fault('reset', 2),
  },
  {
    name: 'truncated bodies',
    emulator: { faults: { rates: { truncated: 0.08 } } },
    expectLog: /retrying .*"error":/,
    happened: fault('truncated', 2),
  },
  {
    name: 'slow responses (90 emulated s)',
    emulator: { faults: { rates: { slow: 0.05 }, slowMs: 90_000 } },
    expectLog: /Captured pages/,
    happened: fault('slow', 1),
  },
  {
    name: 'search cursor expires during a rate-limit pause',
    workspace: PAGED_WORKSPACE,
    streams: ['pages'],
    // The second search request (page 2 of the listing) is rate limited for 30 s; its cursor lives 20 s.
    emulator: {
      faults: {
        schedule: [{ kind: '429', at: 2, route: 'search' }],
        retryAfterS: 30,
        searchCursorTtlSeconds: 20,
      },
    },
    expectLog: /rejected a listing cursor; restarting the listing/,
    happened: status(400),
  },
  {
    name: 'search index lags behind edits',
    streams: ['pages', 'blocks', 'comments'],
    emulator: { faults: { searchIndexLagS: 90 } },
    mutateBetween: (emulator) => {
      const ws = emulator.workspace;
      const pages = ws.pages.filter((p) => p.shared && !p.inTrash && !p.purged && ws.pageAccessible(p.idx));
      // No renames: a rename changes the mention text inside OTHER pages without touching their
      // last_edited_time (as in Notion), which no incremental reader can see.
      ws.editPage(pages[1]!.id);
      ws.appendBlocks(pages[3]!.id, 2);
      // A comment alone does not move last_edited_time: comment on a page that is also edited.
      ws.editPage(pages[5]!.id);
      ws.addComment(pages[5]!.id, { text: 'a comment while search lags' });
      ws.trashPage(pages[7]!.id);
    },
    // Four sweeps 25 emulated minutes apart: the lag (90 s) passes, and the hourly deletion scan
    // (which finds the trashed data source row) runs within the session.
    timeScale: 1000,
    sweeps: 4,
    interval: 'PT25M',
    expectLog: /page sweep done.*"scan":true/,
    happened: () => true,
  },
  {
    name: '404 subtrees and unsupported blocks',
    streams: ['blocks'],
    // A block whose children answer 404 (unshared or deleted meanwhile): its subtree is skipped.
    proxy: (emulator) => {
      const id = subtreeRoot(emulator);
      return {
        match: (method, path) => method === 'GET' && path.startsWith(`/v1/blocks/${id}/children`),
        failAfter: 0,
        status: 404,
        body: {
          code: 'object_not_found',
          message: `Could not find block with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
        },
      };
    },
    adjustExpected: (expected, emulator) => {
      const gone = descendants(expected.blocks, subtreeRoot(emulator));
      return { ...expected, blocks: expected.blocks.filter((block) => !gone.has(String(block.id))) };
    },
    expectLog: /block children answered 404; skipping that subtree/,
    happened: () => true,
  },
];

/** A block with children, directly on a page, whose subtree holds plain blocks only. */
function subtreeRoot(emulator: Emulator): string {
  const blocks = emulator.groundTruth().blocks as unknown as Doc[];
  const skip = new Set(['child_page', 'child_database', 'unsupported', 'synced_block']);
  const root = blocks.find(
    (block) =>
      block.depth === 1 &&
      block.has_children === true &&
      !skip.has(String(block.type)) &&
      descendants(blocks, String(block.id)).size > 0,
  );
  if (root === undefined) throw new Error('the workspace has no block with children at depth 1');
  return String(root.id);
}

/** Ids of every block below `rootId` (through parent.block_id links). */
function descendants(blocks: Doc[], rootId: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const block of blocks) {
    const parent = (block.parent as { block_id?: string } | undefined)?.block_id;
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), String(block.id)]);
  }
  const out = new Set<string>();
  const walk = (id: string) => {
    for (const child of children.get(id) ?? []) {
      out.add(child);
      walk(child);
    }
  };
  walk(rootId);
  return out;
}

/**
 * Faults the connector does not heal today (see the reliability README): run by the torture
 * script, which counts what they lose; not asserted in CI.
 */
export const KNOWN_GAP_SCENARIOS: FaultScenario[] = [
  {
    name: 'search omits pages (known gap: standalone pages search never returns are never found)',
    workspace: PAGED_WORKSPACE,
    streams: ['pages'],
    emulator: { faults: { searchOmitRate: 0.2 } },
    expectLog: /page sweep done/,
    happened: () => true,
  },
  {
    name: 'a comment on a page not otherwise edited (known gap: not captured incrementally)',
    streams: ['comments'],
    mutateBetween: (emulator) => {
      const ws = emulator.workspace;
      const pages = ws.pages.filter((p) => p.shared && !p.inTrash && !p.purged && ws.pageAccessible(p.idx));
      ws.addComment(pages[4]!.id, { text: 'a lone comment' });
    },
    timeScale: 1000,
    sweeps: 4,
    interval: 'PT25M',
    expectLog: /page sweep done/,
    happened: () => true,
  },
];

export interface UnhealableCase {
  name: string;
  rule: ProxyRule;
  /** The last log line the user sees. */
  message: RegExp;
}

/** Faults that cannot heal, played by the fault proxy after some requests went through. */
export const UNHEALABLE_CASES: UnhealableCase[] = [
  {
    name: 'the token is revoked mid-capture (401 unauthorized)',
    rule: { failAfter: 30, status: 401, body: { code: 'unauthorized', message: 'API token is invalid.' } },
    message:
      /^Notion rejected the token \(401 unauthorized\): it is invalid or was revoked\. Fix: set credentials\.token/,
  },
  {
    name: 'Notion blocks the integration (429 public_api_request_blocked)',
    rule: {
      failAfter: 30,
      status: 429,
      headers: { 'retry-after': '60' },
      body: {
        code: 'rate_limited',
        message: 'This integration is blocked.',
        additional_data: { rate_limit_reason: 'public_api_request_blocked', retry_after: 60 },
      },
    },
    message:
      /^Notion is blocking this integration's API requests \(429 public_api_request_blocked\); retrying will not help\. Fix:/,
  },
  {
    name: 'the "Read comments" capability is removed mid-capture (403 restricted_resource)',
    rule: {
      match: (_method, path) => path.startsWith('/v1/comments'),
      failAfter: 3,
      status: 403,
      body: { code: 'restricted_resource', message: 'Insufficient permissions for this endpoint.' },
    },
    message: /comments.*403 restricted_resource.*"Read comments" capability.*enable it/,
  },
];

export interface ScenarioResult {
  name: string;
  exitCode: number | null;
  clean: boolean;
  diff: StreamDiff[];
  diffText: string;
  /** The first log line matching `expectLog`, if any. */
  logLine: string | undefined;
  happened: boolean;
  canaryHits: string[];
  protocolErrors: string[];
  endedInsideTransaction: boolean;
  requests: number;
  counters: Counters;
  durationMs: number;
  lastLog: ConnectorLog | undefined;
  /** Streams whose documents carry `request_id`. */
  envelopeLeaks: StreamName[];
  sessions: SessionResult[];
}

export function logText(log: ConnectorLog): string {
  return `${log.level} ${log.msg} ${JSON.stringify(log.fields)}`;
}

/** Runs one fault scenario end to end (emulator started and closed here). */
export async function runScenario(
  bundle: string,
  scenario: FaultScenario,
  seed: number,
): Promise<ScenarioResult> {
  const canary = canaryToken(seed);
  const scale = scenario.timeScale ?? DEFAULT_TIME_SCALE;
  const mutate = scenario.mutateBetween;
  const faults = scenario.emulator?.faults;
  const emulator = await startEmulator({
    rpm: null,
    ...scenario.emulator,
    // With a mutation between sessions, the first session runs without faults.
    ...(mutate ? { faults: {} } : {}),
    workspace: { seed, ...(scenario.workspace ?? SMALL_WORKSPACE) },
    tokens: [{ token: canary }],
    seed,
    timeScale: scale,
  });
  const streams = scenario.streams ?? STREAMS;
  const started = Date.now();
  const sessions: SessionResult[] = [];
  try {
    const env = connectorEnv(emulator.url, { SOURCE_NOTION_TIME_SCALE: String(scale) });
    const config = endpointConfig(canary);
    let state: unknown = {};
    let faulty: Emulator | undefined;
    let proxy: FaultProxy | undefined;
    try {
      if (mutate) {
        // A clean first capture, then the workspace changes and the faulty session must catch up.
        const first = await runSession({
          bundle,
          env,
          open: openRequest({ config, state, streams }),
          timeoutMs: scenario.timeoutMs,
        });
        sessions.push(first);
        state = first.state;
        faulty = await startEmulator({
          rpm: null,
          ...scenario.emulator,
          faults,
          workspace: emulator.workspace,
          tokens: [{ token: canary }],
          seed,
          timeScale: scale,
          startTime: emulator.now(),
        });
        mutate(faulty);
      }
      const target = faulty ?? emulator;
      proxy = scenario.proxy ? await startFaultProxy(target.url, scenario.proxy(target)) : undefined;
      sessions.push(
        await runSession({
          bundle,
          env: connectorEnv(proxy?.url ?? target.url, { SOURCE_NOTION_TIME_SCALE: String(scale) }),
          open: openRequest({
            config,
            state,
            streams,
            ...(scenario.interval ? { interval: scenario.interval } : {}),
          }),
          sweeps: scenario.sweeps ?? 1,
          timeoutMs: scenario.timeoutMs,
        }),
      );
      const collections = newCollections();
      for (const session of sessions) reduceInto(collections, session.committed, streams);
      const actual = collectionDocs(collections);
      const truth = expectedCollections(target);
      const expected = scenario.adjustExpected ? scenario.adjustExpected(truth, target) : truth;
      const diff = diffCollections(actual, expected, streams as StreamName[]);
      const last = sessions[sessions.length - 1] as SessionResult;
      const logs = last.logs.map(logText);
      const counters = target.counters();
      return {
        name: scenario.name,
        exitCode: last.exit.code,
        clean: isClean(diff),
        diff,
        diffText: describeDiff(diff),
        logLine: logs.find((line) => scenario.expectLog.test(line)),
        happened: scenario.happened(counters),
        canaryHits: sessions.flatMap((s) => findCanary(canary, ...s.transcript, s.state)),
        protocolErrors: sessions.flatMap((s) => s.exit.protocolErrors),
        endedInsideTransaction: sessions.some((s) => s.exit.endedInsideTransaction),
        requests: counters.requests,
        counters,
        durationMs: Date.now() - started,
        lastLog: last.exit.lastLog,
        envelopeLeaks: envelopeLeaks(actual),
        sessions,
      };
    } finally {
      await proxy?.close();
      await faulty?.close();
    }
  } finally {
    await emulator.close();
  }
}
