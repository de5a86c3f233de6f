import { compactId, createSilentLogger, type RefreshTarget } from '@source-notion/core';
import { createFakeClock } from '@source-notion/core/testing';
import type { Transaction, TransactionWriter } from '@source-notion/flow-capture';
import { describe, expect, it } from 'vitest';
import { MAX_PENDING_TARGETS, WEBHOOK_GATHER_MS, WebhookQueue } from './webhook-queue.js';

const PAGE = '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';
const OTHER = '2f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';
const BINDINGS = [
  { index: 0, streamName: 'pages' },
  { index: 1, streamName: 'comments' },
  { index: 2, streamName: 'users' },
];

function setup(state: unknown = {}) {
  const commits: Transaction[] = [];
  let release: (() => void) | undefined;
  const writer: TransactionWriter = {
    commit: (tx) => {
      commits.push(tx);
      return release === undefined ? Promise.resolve() : new Promise((resolve) => (release = resolve));
    },
    respond: async () => {},
    flush: async () => {},
  };
  const clock = createFakeClock(Date.UTC(2026, 0, 1));
  const queue = new WebhookQueue({ writer, clock, logger: createSilentLogger(), bindings: BINDINGS, state });
  const patches = () =>
    commits.map(
      (tx) => (tx.patch as { webhooksV1: { pending: Record<string, unknown> } }).webhooksV1.pending,
    );
  return { queue, commits, patches, clock, hold: () => (release = () => {}), release: () => release?.() };
}

const page: RefreshTarget = { kind: 'page', id: PAGE };
const comments: RefreshTarget = { kind: 'comments', id: PAGE };

describe('WebhookQueue', () => {
  it('writes a refresh into a checkpoint before accepting it, once however many events name it', async () => {
    const { queue, patches } = setup();
    expect(await queue.accept([page])).toBe('accepted');
    expect(await queue.accept([page])).toBe('accepted');
    expect(patches()).toEqual([{ [`page:${compactId(PAGE)}`]: Date.UTC(2026, 0, 1) }]);
    // Page targets reach every page stream; comments targets the comments stream only.
    expect(queue.take(0)).toEqual([page]);
    expect(queue.take(1)).toEqual([page]);
    expect(queue.take(2)).toEqual([]);
    expect(await queue.accept([comments])).toBe('accepted');
    expect(queue.take(0)).toEqual([]);
    expect(queue.take(1)).toEqual([comments]);
  });

  it('does not resolve accept before the checkpoint is written', async () => {
    const { queue, hold, release } = setup();
    hold();
    let resolved = false;
    const accepted = queue.accept([page]).then(() => {
      resolved = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    // A second event for the same page waits for the same checkpoint.
    let second = false;
    const again = queue.accept([page]).then(() => {
      second = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(second).toBe(false);
    release();
    await Promise.all([accepted, again]);
    expect(resolved && second).toBe(true);
  });

  it('forgets a refresh once every binding did it, and keeps it for one that got it again meanwhile', async () => {
    const { queue, patches } = setup();
    await queue.accept([page]);
    const forPages = queue.take(0);
    const forComments = queue.take(1);
    await queue.done(0, forPages);
    // A later event while the comments binding refreshes: it (and the pages binding) refresh again.
    await queue.accept([page]);
    await queue.done(1, forComments);
    expect(patches()).toHaveLength(1);
    expect(queue.size).toBe(1);
    await queue.done(1, queue.take(1));
    expect(queue.size).toBe(1);
    await queue.done(0, queue.take(0));
    expect(patches()[1]).toEqual({ [`page:${compactId(PAGE)}`]: null });
    expect(queue.size).toBe(0);
  });

  it('restores pending refreshes from the state, forgetting what no binding captures', async () => {
    const state = {
      webhooksV1: {
        pending: {
          [`page:${compactId(PAGE)}`]: 1,
          [`data_source:${compactId(OTHER)}`]: 2,
          'bogus:key': 3,
        },
      },
    };
    const { queue, patches } = setup(state);
    expect(queue.size).toBe(1);
    expect(queue.take(0)).toEqual([page]);
    expect(patches()).toEqual([{ [`data_source:${compactId(OTHER)}`]: null, 'bogus:key': null }]);
    expect(await queue.accept([{ kind: 'database', id: OTHER }])).toBe('ignored');
  });

  it('refuses more than MAX_PENDING_TARGETS pending refreshes', async () => {
    const { queue } = setup();
    const ids = Array.from({ length: MAX_PENDING_TARGETS }, (_, i) => {
      const hex = i.toString(16).padStart(32, '0');
      return { kind: 'page', id: hex } as RefreshTarget;
    });
    expect(await queue.accept(ids)).toBe('accepted');
    expect(await queue.accept([{ kind: 'page', id: OTHER }])).toBe('full');
    // One pending already is no new work.
    expect(await queue.accept([ids[0]!])).toBe('accepted');
  });

  it('wakes a waiting binding when its targets arrive, gathering a burst first', async () => {
    const { queue, clock } = setup();
    const stop = new AbortController();
    const start = clock.now();
    const work = queue.nextWork(1, start + 60_000, stop.signal);
    await queue.accept([comments]);
    await clock.advance(WEBHOOK_GATHER_MS / 2);
    await queue.accept([page]);
    await clock.advance(WEBHOOK_GATHER_MS);
    expect(await work).toEqual([comments, page]);
    // Nothing queued: the full sweep comes due.
    const due = queue.nextWork(0, clock.now() + 1_000, stop.signal);
    await clock.advance(1_000);
    expect(await due).toEqual([page]);
    const idle = queue.nextWork(0, clock.now() + 1_000, stop.signal);
    await clock.advance(1_000);
    expect(await idle).toEqual([]);
  });
});
