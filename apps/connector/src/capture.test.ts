import { PassThrough } from 'node:stream';
import type { NotionClient, StreamContext, StreamEvent, StreamName } from '@source-notion/core';
import { createSilentLogger, NotionApiError } from '@source-notion/core';
import { createFakeClock, type FakeClock } from '@source-notion/core/testing';
import type { OpenRequest } from '@source-notion/flow-capture';
import { createTransactionWriter, openRequestSchema } from '@source-notion/flow-capture';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runCapture, STOP_GRACE_MS } from './capture.js';
import { readEnvironment } from './environment.js';
import { type AnyStream, findStream } from './streams.js';

interface CountState {
  v: 1;
  sweeps: number;
}

/** A checkpoint of a CountState stream (the tests may patch members their schema lets through). */
type Patch = Extract<StreamEvent<CountState>, { checkpoint: unknown }>['checkpoint'];

type Script = (ctx: StreamContext, state: CountState) => AsyncIterable<StreamEvent<CountState>>;

function fakeStream(
  name: StreamName,
  script: Script,
  syncModes: AnyStream['syncModes'] = ['incremental'],
): AnyStream {
  return {
    name,
    capability: findStream(name)?.capability ?? 'Read content',
    key: ['/id'],
    documentSchema: { type: 'object' },
    syncModes,
    stateSchema: z.looseObject({ v: z.literal(1), sweeps: z.number() }),
    initialState: () => ({ v: 1, sweeps: 0 }),
    read: script as AnyStream['read'],
  } as AnyStream;
}

const fakeNotion = {
  limiter: {
    stats: () => ({
      requests: 0,
      retries: 0,
      rateLimited: 0,
      overloaded: 0,
      serverErrors: 0,
      networkErrors: 0,
      waitedMs: 0,
      pausedMs: 0,
      inFlight: 0,
      maxInFlight: 0,
      queued: 0,
    }),
  },
  close: async () => {},
} as unknown as NotionClient;

function openRequest(
  bindings: Array<{ stream: string; stateKey?: string; interval?: string; syncMode?: string }>,
  extra: { state?: unknown; intervalSeconds?: number } = {},
): OpenRequest {
  return openRequestSchema.parse({
    capture: {
      name: 'acmeCo/notion',
      config: { credentials: { auth_type: 'token', token: 'test-token-not-real' } },
      intervalSeconds: extra.intervalSeconds ?? 300,
      bindings: bindings.map((b) => ({
        resourceConfig: {
          stream: b.stream,
          syncMode: b.syncMode ?? 'incremental',
          ...(b.interval ? { interval: b.interval } : {}),
        },
        resourcePath: [b.stream],
        stateKey: b.stateKey ?? b.stream,
      })),
    },
    state: extra.state ?? {},
  });
}

function harness(clock: FakeClock) {
  const output = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  output.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      lines.push(JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
  });
  const stop = new AbortController();
  const runtime = { environment: readEnvironment({}), clock, logger: createSilentLogger() };
  return { writer: createTransactionWriter(output), lines, stop, runtime };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const checkpoints = (lines: Record<string, unknown>[]) => lines.filter((line) => 'checkpoint' in line);

describe('runCapture', () => {
  it("writes each binding's documents together with its checkpoint, and sweeps again after the interval", async () => {
    const clock = createFakeClock();
    const h = harness(clock);
    const seen: Array<[string, number]> = [];
    const script = (name: string, docs: number): Script =>
      async function* (_ctx, state) {
        seen.push([name, state.sweeps]);
        for (let i = 0; i < docs; i++) yield { doc: { id: `${name}-${state.sweeps}-${i}` } };
        yield { checkpoint: { sweeps: state.sweeps + 1 } };
      };
    const streams = [fakeStream('users', script('users', 2)), fakeStream('pages', script('pages', 3))];
    const done = runCapture({
      request: openRequest([{ stream: 'users' }, { stream: 'pages', stateKey: 'pages.v2' }], {
        intervalSeconds: 60,
      }),
      writer: h.writer,
      runtime: h.runtime,
      stop: h.stop.signal,
      notion: fakeNotion,
      streams,
    });
    await until(() => checkpoints(h.lines).length === 2, 'the first sweeps');
    expect(h.lines[0]).toEqual({ opened: { explicitAcknowledgements: false } });
    await clock.advance(60_000);
    await until(() => checkpoints(h.lines).length === 4, 'the second sweeps');
    h.stop.abort(new Error('stdin closed'));
    const result = await done;

    expect(result).toMatchObject({ reason: 'stdin closed', transactions: 4, sweeps: 4 });
    expect(seen).toEqual([
      ['users', 0],
      ['pages', 0],
      ['users', 1],
      ['pages', 1],
    ]);
    // Every transaction is contiguous: one binding's documents, then its checkpoint.
    const body = h.lines.slice(1);
    let pending: number[] = [];
    for (const line of body) {
      if ('captured' in line) pending.push((line.captured as { binding: number }).binding);
      else {
        expect(new Set(pending).size).toBe(1);
        const [binding] = pending;
        const key = binding === 0 ? 'users' : 'pages.v2';
        const updated = (
          line.checkpoint as { state: { updated: { bindingStateV1: Record<string, unknown> } } }
        ).state.updated;
        expect(Object.keys(updated.bindingStateV1)).toEqual([key]);
        expect(pending.length).toBe(binding === 0 ? 2 : 3);
        pending = [];
      }
    }
    expect(pending).toEqual([]);
    expect(body.at(-1)).toHaveProperty('checkpoint');
  });

  it("resumes from the state under each binding's stateKey", async () => {
    const clock = createFakeClock();
    const h = harness(clock);
    const seen: number[] = [];
    const stream = fakeStream('pages', async function* (_ctx, state) {
      seen.push(state.sweeps);
      yield { checkpoint: { sweeps: state.sweeps + 1 } };
    });
    const done = runCapture({
      request: openRequest([{ stream: 'pages', stateKey: 'pages.v3' }], {
        state: { bindingStateV1: { pages: { v: 1, sweeps: 40 }, 'pages.v3': { v: 1, sweeps: 7 } } },
      }),
      writer: h.writer,
      runtime: h.runtime,
      stop: h.stop.signal,
      notion: fakeNotion,
      streams: [stream],
    });
    await until(() => checkpoints(h.lines).length === 1, 'a checkpoint');
    h.stop.abort(new Error('SIGTERM'));
    expect(await done).toMatchObject({ reason: 'SIGTERM' });
    expect(seen).toEqual([7]);
    // Flow holds a valid state: the stream's own patch goes out.
    expect(checkpoints(h.lines)[0]).toEqual({
      checkpoint: { state: { updated: { bindingStateV1: { 'pages.v3': { sweeps: 8 } } }, mergePatch: true } },
    });
  });

  it('merges checkpoints into its own copy of the state, and sweeps again from what Flow would hold', async () => {
    const clock = createFakeClock();
    const h = harness(clock);
    const seen: unknown[] = [];
    const deepFreeze = <T>(value: T): T => {
      if (typeof value === 'object' && value !== null) {
        for (const member of Object.values(value)) deepFreeze(member);
        Object.freeze(value);
      }
      return value;
    };
    const stream = fakeStream('pages', async function* (_ctx, state) {
      // Frozen: the capture must patch a copy, never the state a sweep started from.
      seen.push(JSON.parse(JSON.stringify(deepFreeze(state))));
      const sweep = state.sweeps + 1;
      for (let page = 0; page < 3; page++) {
        const patch = { sweeps: sweep, pages: { [`p${page}`]: { t: sweep, k: `ids${page}` } } };
        yield { checkpoint: deepFreeze(patch) as Patch };
      }
      // A member that is not plain JSON: the next sweep sees what Flow would store (null).
      yield { checkpoint: { pages: { p1: null }, late: sweep === 1 ? Number.NaN : sweep } as Patch };
    });
    const done = runCapture({
      request: openRequest([{ stream: 'pages' }], {
        intervalSeconds: 60,
        state: { bindingStateV1: { pages: { v: 1, sweeps: 0, pages: { p0: { t: 0 }, p9: { t: 0 } } } } },
      }),
      writer: h.writer,
      runtime: h.runtime,
      stop: h.stop.signal,
      notion: fakeNotion,
      streams: [stream],
    });
    await until(() => checkpoints(h.lines).length === 4, 'the first sweep');
    await clock.advance(60_000);
    await until(() => checkpoints(h.lines).length === 8, 'the second sweep');
    await clock.advance(60_000);
    await until(() => seen.length === 3, 'the third sweep');
    h.stop.abort(new Error('stdin closed'));
    await done;
    expect(seen).toEqual([
      { v: 1, sweeps: 0, pages: { p0: { t: 0 }, p9: { t: 0 } } },
      {
        v: 1,
        sweeps: 1,
        pages: { p0: { t: 1, k: 'ids0' }, p2: { t: 1, k: 'ids2' }, p9: { t: 0 } },
        late: null,
      },
      {
        v: 1,
        sweeps: 2,
        pages: { p0: { t: 2, k: 'ids0' }, p2: { t: 2, k: 'ids2' }, p9: { t: 0 } },
        late: 2,
      },
    ]);
  });

  it('writes the whole state with the first checkpoint of a binding Flow holds no valid state for', async () => {
    const clock = createFakeClock();
    const h = harness(clock);
    const stream = fakeStream('pages', async function* (_ctx, state) {
      yield { doc: { id: 'p' } };
      yield { checkpoint: { sweeps: state.sweeps + 1 } };
      yield { checkpoint: { sweeps: state.sweeps + 2 } };
    });
    const done = runCapture({
      request: openRequest([{ stream: 'pages' }, { stream: 'pages', stateKey: 'pages.v2' }], {
        state: { bindingStateV1: { 'pages.v2': { v: 0, stale: true } } },
      }),
      writer: h.writer,
      runtime: h.runtime,
      stop: h.stop.signal,
      notion: fakeNotion,
      streams: [stream],
    });
    await until(() => checkpoints(h.lines).length === 5, 'the checkpoints');
    h.stop.abort(new Error('stdin closed'));
    await done;
    const updates = checkpoints(h.lines).map(
      (line) =>
        (line.checkpoint as { state: { updated: { bindingStateV1: Record<string, unknown> } } }).state.updated
          .bindingStateV1,
    );
    // No state: the full state, then patches. An invalid state: cleared first.
    expect(updates.filter((u) => 'pages' in u)).toEqual([
      { pages: { v: 1, sweeps: 1 } },
      { pages: { sweeps: 2 } },
    ]);
    expect(updates.filter((u) => 'pages.v2' in u)).toEqual([
      { 'pages.v2': null },
      { 'pages.v2': { v: 1, sweeps: 1 } },
      { 'pages.v2': { sweeps: 2 } },
    ]);
  });

  it('on stop, finishes the sweep up to its next checkpoint and writes nothing after it', async () => {
    const clock = createFakeClock();
    const h = harness(clock);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let askedPastStop = false;
    const stream = fakeStream('blocks', async function* () {
      yield { doc: { id: 'a' } };
      yield { checkpoint: { sweeps: 1 } };
      yield { doc: { id: 'b' } };
      await gate;
      yield { doc: { id: 'c' } };
      yield { checkpoint: { sweeps: 2 } };
      askedPastStop = true;
      yield { doc: { id: 'd' } };
      yield { checkpoint: { sweeps: 3 } };
    });
    const done = runCapture({
      request: openRequest([{ stream: 'blocks' }]),
      writer: h.writer,
      runtime: h.runtime,
      stop: h.stop.signal,
      notion: fakeNotion,
      streams: [stream],
    });
    await until(() => checkpoints(h.lines).length === 1, 'the first checkpoint');
    h.stop.abort(new Error('stdin closed'));
    release();
    await done;
    const ids = h.lines
      .filter((l) => 'captured' in l)
      .map((l) => (l.captured as { doc: { id: string } }).doc.id);
    expect(ids).toEqual(['a', 'b', 'c']);
    expect(h.lines.at(-1)).toHaveProperty('checkpoint');
    expect(askedPastStop).toBe(false);
  });

  it('abandons uncommitted documents when a stream does not reach a checkpoint within the grace period', async () => {
    const clock = createFakeClock();
    const h = harness(clock);
    const stream = fakeStream('blocks', async function* (ctx) {
      yield { doc: { id: 'committed' } };
      yield { checkpoint: { sweeps: 1 } };
      yield { doc: { id: 'never-written' } };
      await ctx.clock.sleep(24 * 60 * 60_000, ctx.signal);
      yield { checkpoint: { sweeps: 2 } };
    });
    const done = runCapture({
      request: openRequest([{ stream: 'blocks' }]),
      writer: h.writer,
      runtime: h.runtime,
      stop: h.stop.signal,
      notion: fakeNotion,
      streams: [stream],
    });
    await until(() => checkpoints(h.lines).length === 1, 'the first checkpoint');
    h.stop.abort(new Error('SIGTERM'));
    await until(() => clock.pending() >= 2, 'the grace timer');
    await clock.advance(STOP_GRACE_MS);
    const result = await done;
    expect(result.reason).toBe('SIGTERM');
    expect(JSON.stringify(h.lines)).not.toContain('never-written');
    expect(h.lines.at(-1)).toHaveProperty('checkpoint');
  });

  it('fails with a message naming the problem and the fix when Notion rejects the token', async () => {
    const clock = createFakeClock();
    const h = harness(clock);
    const failing = fakeStream('users', async function* () {
      yield { doc: { id: 'u1' } };
      throw new NotionApiError({
        status: 401,
        code: 'unauthorized',
        operation: 'users.list',
        detail: 'API token is invalid.',
      });
    });
    const hanging = fakeStream('pages', async function* (ctx) {
      yield { doc: { id: 'p-uncommitted' } };
      await ctx.clock.sleep(60 * 60_000, ctx.signal);
      yield { checkpoint: { sweeps: 1 } };
    });
    const done = runCapture({
      request: openRequest([{ stream: 'users' }, { stream: 'pages' }]),
      writer: h.writer,
      runtime: h.runtime,
      stop: h.stop.signal,
      notion: fakeNotion,
      streams: [failing, hanging],
    });
    await expect(done).rejects.toThrow(/Notion rejected the token \(401 unauthorized\).*credentials\.token/);
    expect(h.lines.filter((l) => 'captured' in l)).toEqual([]);
  });

  it('names the missing capability when the comments stream gets a 403', async () => {
    const clock = createFakeClock();
    const h = harness(clock);
    const failing = fakeStream('comments', async function* () {
      yield* [];
      throw new NotionApiError({ status: 403, code: 'restricted_resource', operation: 'comments.list' });
    });
    await expect(
      runCapture({
        request: openRequest([{ stream: 'comments' }]),
        writer: h.writer,
        runtime: h.runtime,
        stop: h.stop.signal,
        notion: fakeNotion,
        streams: [failing],
      }),
    ).rejects.toThrow(/"Read comments" capability.*disable the comments binding/);
  });

  it('restarts itself about daily, at a checkpoint boundary', async () => {
    const clock = createFakeClock();
    const h = harness(clock);
    const stream = fakeStream('users', async function* (_ctx, state) {
      yield { doc: { id: `u${state.sweeps}` } };
      yield { checkpoint: { sweeps: state.sweeps + 1 } };
    });
    const done = runCapture({
      request: openRequest([{ stream: 'users', interval: 'PT1H' }]),
      writer: h.writer,
      runtime: h.runtime,
      stop: h.stop.signal,
      notion: fakeNotion,
      streams: [stream],
    });
    await until(() => checkpoints(h.lines).length === 1, 'the first sweep');
    for (let hour = 0; hour < 24; hour++) {
      await clock.advance(60 * 60_000);
      await until(() => checkpoints(h.lines).length >= Math.min(hour + 2, 24), `sweep ${hour + 2}`);
    }
    const result = await done;
    expect(result.reason).toBe('daily restart');
    // One sweep per hour for a day, the interval coming from the resource config (not the 300 s).
    expect(checkpoints(h.lines).length).toBe(24);
    expect(h.lines.at(-1)).toHaveProperty('checkpoint');
  });

  it('starts every sweep over in full_refresh mode', async () => {
    const clock = createFakeClock();
    const h = harness(clock);
    const seen: number[] = [];
    const stream = fakeStream(
      'pages',
      async function* (_ctx, state) {
        seen.push(state.sweeps);
        yield { checkpoint: { sweeps: state.sweeps + 1 } };
      },
      ['incremental', 'full_refresh'],
    );
    const done = runCapture({
      request: openRequest([{ stream: 'pages', syncMode: 'full_refresh' }], { intervalSeconds: 10 }),
      writer: h.writer,
      runtime: h.runtime,
      stop: h.stop.signal,
      notion: fakeNotion,
      streams: [stream],
    });
    await until(() => seen.length === 1, 'the first sweep');
    await clock.advance(10_000);
    await until(() => seen.length === 2, 'the second sweep');
    h.stop.abort(new Error('stdin closed'));
    await done;
    expect(seen).toEqual([0, 0]);
  });

  it('rejects a binding naming no stream with a message naming the binding', async () => {
    const clock = createFakeClock();
    const h = harness(clock);
    await expect(
      runCapture({
        request: openRequest([{ stream: 'issues' }]),
        writer: h.writer,
        runtime: h.runtime,
        stop: h.stop.signal,
        notion: fakeNotion,
      }),
    ).rejects.toThrow(/binding 0: resourceConfig\.stream "issues" is not a Notion stream/);
    expect(h.lines).toEqual([]);
  });
});
