// The fault scenarios of the reliability suite, shared by the CI tests (faults-*.test.ts through
// fault-suite.ts) and the torture script: the healable faults, each with the log line a person
// should find and a check that the fault really played, and the known gaps the torture script
// counts apart. `runScenario` (run-scenario.ts) plays one.
import type { Counters, Emulator, EmulatorOptions, WorkspaceOptions } from '@source-notion/notion-emulator';
import { descendants, subtreeRoot } from './block-subtree.js';
import type { ProxyRule } from './fault-proxy.js';
import { livePages } from './live-pages.js';
import type { Doc, StreamName } from './streams.js';

/** Enough pages that search answers in two pages (page_size 100): cursors get used. */
export const PAGED_WORKSPACE: WorkspaceOptions = {
  pages: 150,
  users: 3,
  dataSources: 3,
  blocksPerPage: 2,
  maxDepth: 3,
  unsharedPages: 1,
};

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
  /** Put a fault proxy (fault-proxy.ts) between the connector and the emulator. */
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
      // `pages` alone reaches a child page only through search (the known gap below): no random
      // omission (seeded by the minute the test runs in), so this scenario measures the cursor only.
      limits: { searchOmitPageRate: 0 },
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
      const pages = livePages(ws);
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
      const pages = livePages(ws);
      ws.addComment(pages[4]!.id, { text: 'a lone comment' });
    },
    timeScale: 1000,
    sweeps: 4,
    interval: 'PT25M',
    expectLog: /page sweep done/,
    happened: () => true,
  },
];
