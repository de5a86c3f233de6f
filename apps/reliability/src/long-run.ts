// A long session: many sweeps (time-scaled hours) against a workspace mutated between sweeps.
// Samples the connector's resident memory from /proc, and measures the state against the
// workspace's size; at the end the reduced collections must equal the ground truth.
import { mergePatchInPlace } from '@source-notion/core';
import type { Emulator } from '@source-notion/notion-emulator';
import { createRandom } from '@source-notion/notion-emulator';
import { findCanary } from './canary.js';
import {
  collectionDocs,
  describeDiff,
  diffCollections,
  expectedCollections,
  newCollections,
  reduceInto,
} from './collections.js';
import { livePages } from './live-pages.js';
import { slope, vmRssKiB } from './memory.js';
import { connectorEnv, endpointConfig, openRequest } from './protocol-requests.js';
import { runSession, type SessionResult } from './run-session.js';
import type { Doc } from './streams.js';

export interface LongRunOptions {
  bundle: string;
  emulator: Emulator;
  canary: string;
  timeScale: number;
  /** Sweeps of every binding. */
  sweeps: number;
  /** Between two sweeps of a binding (ISO duration). */
  interval: string;
  seed: number;
  /** Real ms between two memory samples. Default 100. */
  sampleEveryMs?: number;
  timeoutMs?: number;
}

export interface LongRunResult {
  session: SessionResult;
  /** [real seconds since the end of the first sweep of every binding, RSS KiB]. */
  samples: Array<[number, number]>;
  /** Least-squares slope of RSS over the second half of the samples (after warm-up), KiB per emulated hour. */
  rssSlopeKiBPerHour: number;
  rssFirstKiB: number;
  rssMaxKiB: number;
  rssLastKiB: number;
  mutations: number;
  /** JSON size of the merged state after the first sweep of every binding, and at the end. */
  stateBytesFirst: number;
  stateBytesLast: number;
  pagesFirst: number;
  pagesLast: number;
  /** State bytes per shared page, first and last. */
  bytesPerPageFirst: number;
  bytesPerPageLast: number;
  emulatedHours: number;
  diffFromTruth: string;
  canaryHits: string[];
}

/** Mutates the workspace like its users would between two sweeps (seeded); returns the count. */
export function mutateWorkspace(emulator: Emulator, random: () => number): number {
  const ws = emulator.workspace;
  const pages = livePages(ws);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const blocks = (emulator.groundTruth().blocks as unknown as Doc[]).filter(
    (b) => b.depth === 1 && b.has_children === false && b.type === 'paragraph',
  );
  let count = 0;
  const edited = pick(pages);
  ws.editPage(edited.id);
  ws.addComment(edited.id, { text: `comment ${Math.floor(random() * 1e6)}` });
  count += 2;
  ws.appendBlocks(pick(pages).id, 1 + Math.floor(random() * 3));
  count += 1;
  if (blocks.length > 2) {
    ws.editBlock(String(pick(blocks).id), { text: `edited ${Math.floor(random() * 1e6)}` });
    ws.deleteBlock(String(pick(blocks).id));
    count += 2;
  }
  // No addPage: in the emulator it rewrites mention links inside other pages and comments without
  // moving their last_edited_time (reported), which no incremental reader can see.
  return count;
}

export async function longRun(options: LongRunOptions): Promise<LongRunResult> {
  const { emulator } = options;
  const random = createRandom(options.seed).next;
  const samples: Array<[number, number]> = [];
  let firstSweepsAt: number | undefined;
  let mutations = 0;
  let stateAfterFirst: unknown;
  let pagesFirst = 0;
  let pid: number | undefined;
  const pagesSweeps = { done: 0 };
  let state: unknown = {};
  const bindingsSwept = new Set<number>();
  const timer = setInterval(() => {
    if (pid === undefined || firstSweepsAt === undefined) return;
    const rss = vmRssKiB(pid);
    if (rss !== undefined) samples.push([(Date.now() - firstSweepsAt) / 1000, rss]);
  }, options.sampleEveryMs ?? 100);
  let session: SessionResult;
  try {
    session = await runSession({
      bundle: options.bundle,
      env: connectorEnv(emulator.url, {
        SOURCE_NOTION_TIME_SCALE: String(options.timeScale),
        LOG_LEVEL: 'info',
      }),
      open: openRequest({ config: endpointConfig(options.canary), state: {}, interval: options.interval }),
      sweeps: options.sweeps,
      timeoutMs: options.timeoutMs ?? 50_000,
      onSpawn: (run) => {
        pid = run.child.pid;
      },
      watch: ({ response, log }) => {
        if (response && 'checkpoint' in response) {
          const checkpoint = response.checkpoint as { state: { updated: unknown } };
          state = mergePatchInPlace(state, checkpoint.state.updated);
        }
        if (log && typeof log.fields.sweepCompleted === 'number') {
          bindingsSwept.add(Number(log.fields.binding));
          if (firstSweepsAt === undefined && bindingsSwept.size === 6) {
            firstSweepsAt = Date.now();
            stateAfterFirst = structuredClone(state);
            pagesFirst = emulator.groundTruthSummary().pages;
          }
          // Mutate after each sweep of the pages binding, except the last two (so the final
          // sweeps see everything settle).
          if (log.fields.stream === 'pages') {
            pagesSweeps.done += 1;
            if (pagesSweeps.done <= options.sweeps - 2) mutations += mutateWorkspace(emulator, random);
          }
        }
        return undefined;
      },
    });
  } finally {
    clearInterval(timer);
  }
  const collections = newCollections();
  reduceInto(collections, session.committed);
  const diff = describeDiff(diffCollections(collectionDocs(collections), expectedCollections(emulator)));
  const after = samples.map(([, rss]) => rss);
  const stateBytesFirst = JSON.stringify(stateAfterFirst ?? {}).length;
  const stateBytesLast = JSON.stringify(session.state).length;
  const pagesLast = emulator.groundTruthSummary().pages;
  const hours = (options.sweeps * parseMinutes(options.interval)) / 60;
  return {
    session,
    samples,
    rssSlopeKiBPerHour: (slope(samples.slice(Math.floor(samples.length / 2))) * 3600) / options.timeScale,
    rssFirstKiB: after[0] ?? 0,
    rssMaxKiB: Math.max(0, ...after),
    rssLastKiB: after[after.length - 1] ?? 0,
    mutations,
    stateBytesFirst,
    stateBytesLast,
    pagesFirst,
    pagesLast,
    bytesPerPageFirst: stateBytesFirst / Math.max(1, pagesFirst),
    bytesPerPageLast: stateBytesLast / Math.max(1, pagesLast),
    emulatedHours: hours,
    diffFromTruth: diff,
    canaryHits: findCanary(options.canary, ...session.transcript, session.state),
  };
}

function parseMinutes(iso: string): number {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(iso);
  return match ? Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0) : 5;
}
