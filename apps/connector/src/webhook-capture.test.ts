import { createServer, request } from 'node:http';
import { PassThrough } from 'node:stream';
import {
  cloneObjects,
  createLogger,
  createSystemClock,
  mergePatchInPlace,
  type StreamContext,
  signWebhookBody,
} from '@source-notion/core';
import { createTransactionWriter, openRequestSchema } from '@source-notion/flow-capture';
import { type Emulator, startTestEmulator } from '@source-notion/notion-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCapture } from './capture.js';
import { readEnvironment } from './environment.js';
import { type AnyStream, findStream } from './streams.js';

const VERIFICATION = 'secret_captureVerification0123456789abcdef';

let emulator: Emulator;
let lastLogs: string[] = [];
const sessions: AbortController[] = [];
afterEach(() => {
  for (const stop of sessions.splice(0)) stop.abort(new Error('stdin closed'));
});
beforeAll(async () => {
  emulator = await startTestEmulator({ workspace: { seed: 21, size: 'tiny' }, rpm: 600 });
}, 60_000);
afterAll(async () => {
  await emulator?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: protocol lines read loosely in assertions
type Line = Record<string, any>;

interface CaptureState {
  bindingStateV1?: Record<string, unknown>;
  webhooksV1?: { pending: Record<string, number | null> };
}

/** True once the state holds no pending refresh (every one forgotten with a null). */
const nothingPending = (state: CaptureState) =>
  Object.values(state.webhooksV1?.pending ?? {}).every((v) => v === null);

interface Session {
  lines: Line[];
  port: Promise<number>;
  stop: AbortController;
  done: Promise<unknown>;
  logs: string[];
}

function openSession(
  streams: string[],
  state: unknown,
  options: { replace?: Record<string, AnyStream>; webhooks?: boolean; port?: number } = {},
): Session {
  const output = new PassThrough();
  const lines: Line[] = [];
  let buffered = '';
  output.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      lines.push(JSON.parse(buffered.slice(0, nl)));
      buffered = buffered.slice(nl + 1);
    }
  });
  const logs: string[] = [];
  lastLogs = logs;
  const stop = new AbortController();
  let resolvePort: (port: number) => void = () => {};
  const port = new Promise<number>((resolve) => {
    resolvePort = resolve;
  });
  const request = openRequestSchema.parse({
    capture: {
      name: 'acmeCo/notion',
      config: {
        credentials: { auth_type: 'token', token: emulator.token },
        advanced: { requests_per_minute: 600 },
        webhooks: { enabled: options.webhooks ?? true, verification_token: VERIFICATION },
      },
      intervalSeconds: 3600,
      bindings: streams.map((stream) => ({
        resourceConfig: { stream, syncMode: 'incremental' },
        resourcePath: [stream],
        stateKey: stream,
      })),
    },
    state,
  });
  const done = runCapture({
    request,
    writer: createTransactionWriter(output),
    runtime: {
      environment: readEnvironment({ NOTION_API_BASE_URL: emulator.url }),
      clock: createSystemClock(),
      logger: createLogger({ level: 'debug', write: (line) => void logs.push(line) }),
    },
    stop: stop.signal,
    stopGraceMs: 200,
    streams: streams.map((name) => options.replace?.[name] ?? findStream(name)!),
    webhookListen: { host: '127.0.0.1', port: options.port ?? 0 },
    onWebhookListening: resolvePort,
  });
  sessions.push(stop);
  return { lines, port, stop, done, logs };
}

async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${lastLogs.slice(-25).join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The connector state the session's checkpoints built. */
function stateOf(lines: Line[], start: unknown = {}): CaptureState {
  let state = cloneObjects(start);
  for (const line of lines)
    if (line.checkpoint) state = mergePatchInPlace(state, line.checkpoint.state.updated);
  return state as CaptureState;
}

const docs = (lines: Line[], binding: number) =>
  lines.filter((line) => line.captured?.binding === binding).map((line) => line.captured.doc);

const sweepsDone = (s: Session, n: number) => s.logs.filter((l) => l.includes('"Captured ')).length >= n;

let sequence = 0;
async function deliver(port: number, type: string, entityId: string, data: object = {}): Promise<number> {
  const body = JSON.stringify({
    id: `evt-${++sequence}`,
    timestamp: new Date().toISOString(),
    workspace_id: '00000000-0000-4000-8000-000000000001',
    subscription_id: '00000000-0000-4000-8000-000000000002',
    integration_id: '00000000-0000-4000-8000-000000000003',
    type,
    authors: [],
    attempt_number: 1,
    entity: { id: entityId, type: type.split('.')[0] },
    data,
  });
  const signature = await signWebhookBody(body, VERIFICATION);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', method: 'POST', headers: { 'x-notion-signature': signature } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const livePages = () => emulator.groundTruth().pages.filter((page) => !page.in_trash);

describe('webhooks in a capture', () => {
  it('refreshes what events name within seconds: an edit, a new comment, a trashed page', async () => {
    const s = openSession(['pages', 'blocks', 'comments'], {});
    const port = await s.port;
    await until(() => sweepsDone(s, 3), 'the backfills');
    const [edited, commented, trashed] = livePages().map((page) => page.id);

    // A new comment: the page does not move, so only the event can bring it before the daily refresh.
    const commentId = emulator.workspace.addComment(commented!);
    let sent = Date.now();
    expect(await deliver(port, 'comment.created', commentId, { page_id: commented })).toBe(200);
    // Answered only once the refresh is in a checkpoint: a crash cannot lose it.
    const pendingKey = Object.keys(stateOf(s.lines).webhooksV1?.pending ?? {})[0];
    expect(pendingKey).toMatch(/^comments:/);
    await until(() => docs(s.lines, 2).some((doc) => doc.id === commentId), 'the comment');
    const commentMs = Date.now() - sent;

    emulator.workspace.editPage(edited!, { title: 'Edited through a webhook' });
    sent = Date.now();
    expect(await deliver(port, 'page.content_updated', edited!)).toBe(200);
    await until(
      () =>
        docs(s.lines, 0).some((doc) => doc.id === edited && JSON.stringify(doc).includes('Edited through')),
      'the edited page',
    );
    const editMs = Date.now() - sent;

    emulator.workspace.trashPage(trashed!);
    sent = Date.now();
    expect(await deliver(port, 'page.deleted', trashed!)).toBe(200);
    await until(
      () => docs(s.lines, 0).some((doc) => doc.id === trashed && doc.in_trash === true),
      'the trashed page',
    );
    const trashMs = Date.now() - sent;

    // Every refresh done: nothing stays pending.
    await until(() => nothingPending(stateOf(s.lines)), 'the pending refreshes to be forgotten');
    expect(Math.max(commentMs, editMs, trashMs)).toBeLessThan(5_000);
    s.stop.abort(new Error('stdin closed'));
    await s.done;
  }, 60_000);

  it('lists data sources again when an event names one, without waiting for the interval', async () => {
    const s = openSession(['data_sources'], {});
    const port = await s.port;
    await until(() => sweepsDone(s, 1), 'the backfill');
    const database = emulator.groundTruth().databases[0]!.id;
    const created = emulator.workspace.addDataSource(database);
    const sent = Date.now();
    expect(
      await deliver(port, 'data_source.created', created, { parent: { id: database, type: 'database' } }),
    ).toBe(200);
    await until(() => docs(s.lines, 0).some((doc) => doc.id === created), 'the new data source');
    expect(Date.now() - sent).toBeLessThan(5_000);
    await until(() => nothingPending(stateOf(s.lines)), 'the refresh to be forgotten');
  }, 60_000);

  it('coalesces a flood of events per page and stays within the rate limit', async () => {
    const s = openSession(['pages', 'comments'], {});
    const port = await s.port;
    await until(() => sweepsDone(s, 2), 'the backfills');
    const pages = livePages()
      .slice(0, 3)
      .map((page) => page.id);
    emulator.resetCounters();
    const statuses = await Promise.all(
      Array.from({ length: 300 }, (_, i) => deliver(port, 'page.properties_updated', pages[i % 3]!)),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);
    await until(() => nothingPending(stateOf(s.lines)), 'the flood to be refreshed');
    const after = emulator.counters();
    // 300 events for 3 pages: one targeted sweep per stream for each burst gathered (a GET per page
    // and stream each; 7 requests measured), not the two or more requests per event that
    // refreshing each would cost; and never a 429.
    expect(after.requests).toBeGreaterThan(0);
    expect(after.requests).toBeLessThan(30);
    expect(after.rateLimited).toBe(0);
    s.stop.abort(new Error('stdin closed'));
    await s.done;
  }, 60_000);

  it('does the work of an accepted event after a crash between accepting it and refreshing', async () => {
    // Session 1: backfill, then accept an event whose refresh never happens (the process dies).
    const comments = findStream('comments')!;
    let targetedStarted = false;
    const stuck: AnyStream = {
      ...comments,
      read(ctx: StreamContext, state: unknown) {
        if (ctx.targets === undefined) return comments.read(ctx, state);
        targetedStarted = true;
        return (async function* () {
          await new Promise((_resolve, reject) =>
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }),
          );
        })();
      },
    };
    const first = openSession(['comments'], {}, { replace: { comments: stuck } });
    const port = await first.port;
    await until(() => sweepsDone(first, 1), 'the backfill');
    const page = livePages()[4]!.id;
    const commentId = emulator.workspace.addComment(page);
    expect(await deliver(port, 'comment.created', commentId, { page_id: page })).toBe(200);
    await until(() => targetedStarted, 'the refresh to start');
    first.stop.abort(new Error('SIGTERM'));
    await first.done;
    expect(docs(first.lines, 0).some((doc) => doc.id === commentId)).toBe(false);
    const state = stateOf(first.lines);

    // Session 2 (webhooks since turned off): the pending refresh is done at once.
    const second = openSession(['comments'], state, { webhooks: false });
    await until(
      () => docs(second.lines, 0).some((doc) => doc.id === commentId),
      'the comment after the restart',
    );
    await until(() => nothingPending(stateOf(second.lines, state)), 'the pending refresh to be forgotten');
    second.stop.abort(new Error('stdin closed'));
    await second.done;

    // Without the pending refresh, the incremental sweep alone would not have seen the comment.
    const control = openSession(['comments'], { bindingStateV1: state.bindingStateV1 }, { webhooks: false });
    await until(() => sweepsDone(control, 1), 'the control sweep');
    expect(docs(control.lines, 0).some((doc) => doc.id === commentId)).toBe(false);
    control.stop.abort(new Error('stdin closed'));
    await control.done;
  }, 60_000);

  it('ends the capture with what to fix when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const s = openSession(['users'], {}, { port });
      await expect(s.done).rejects.toThrow(
        new RegExp(`cannot listen for webhooks on port ${port}.*webhooks\\.port`),
      );
    } finally {
      taken.close();
    }
  });
});
