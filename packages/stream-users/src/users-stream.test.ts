import {
  isDeletionDocument,
  isNotionApiError,
  NotionApiError,
  packIds,
  unpackIds,
} from '@source-notion/core';
import {
  createFakeStreamContext,
  createStreamTestContext,
  createTestResources,
  runStreamSweep,
  type StreamTestContext,
  sendJson,
  startTestServer,
  sweepWithCrashes,
  TestCollection,
} from '@source-notion/core/testing';
import { type Emulator, type EmulatorOptions, startTestEmulator } from '@source-notion/notion-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { normalizeBotOwner } from './user-document.js';
import { createUsersStream, usersStream } from './users-stream.js';

// The published JSON schema, compiled back into a validator (an independent check of what
// discover publishes, not of the zod schema it came from).
const validateDocument = z.fromJSONSchema(usersStream.documentSchema);

function expectValid(docs: readonly Record<string, unknown>[]) {
  for (const doc of docs) {
    const result = validateDocument.safeParse(doc);
    expect(result.success, JSON.stringify(doc)).toBe(true);
  }
}

/** Ground truth after the documented transform (bot.owner normalized). */
function expectedUsers(emulator: Emulator): Map<string, Record<string, unknown>> {
  return new Map(
    emulator.groundTruth().users.map((user) => {
      const doc: Record<string, unknown> = { ...user };
      if (user.type === 'bot' && 'owner' in user.bot)
        doc.bot = { ...user.bot, owner: normalizeBotOwner(user.bot.owner) };
      return [user.id, doc];
    }),
  );
}

const initial = () => usersStream.initialState({} as never);
const idsOf = (state: { ids?: string | undefined }) => new Set(unpackIds(state.ids));

const opened = createTestResources();
afterEach(() => opened.closeAll());

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  return opened.add(
    await startTestEmulator({ workspace: { seed: 7, size: 'tiny', now: Date.UTC(2025, 0, 1) }, ...options }),
  );
}

function context(server: Emulator, token = server.token): StreamTestContext {
  return opened.add(createStreamTestContext({ baseUrl: server.url, token }));
}

describe('usersStream against the emulator', () => {
  it('backfills every listed user, bot owners normalized, and checkpoints the id set', async () => {
    const server = await start({
      workspace: { seed: 3, size: 'tiny', users: 230, now: Date.UTC(2025, 0, 1) },
    });
    const ctx = context(server);
    const outcome = await runStreamSweep(usersStream, ctx, initial());
    expect(outcome.completed).toBe(true);
    expect(outcome.committedDocs).toEqual(outcome.docs);
    expect(outcome.checkpoints).toHaveLength(1);
    const expected = expectedUsers(server);
    expect(expected.size).toBeGreaterThan(230);
    expect(new Map(outcome.committedDocs.map((doc) => [doc.id as string, doc]))).toEqual(expected);
    expect(outcome.committedDocs).toHaveLength(expected.size);
    // The integration's bot: {type:'workspace', workspace:true} became {type:'workspace', info:true}.
    const bots = outcome.committedDocs.filter(
      (doc) => (doc.bot as { owner?: unknown } | undefined)?.owner !== undefined,
    );
    expect(bots.length).toBeGreaterThan(0);
    for (const bot of bots)
      expect((bot.bot as { owner: unknown }).owner).toEqual({ type: 'workspace', info: true });
    expectValid(outcome.committedDocs);
    expect(idsOf(outcome.state)).toEqual(new Set(expected.keys()));
    expect(usersStream.stateSchema.parse(outcome.state)).toEqual(outcome.state);
    // ⌈users/100⌉ list requests and nothing else.
    expect(server.counters().byRoute).toEqual({ 'users.list': Math.ceil(expected.size / 100) });
    expect(ctx.progressReports.at(-1)).toMatchObject({ unit: 'users', done: expected.size, backfill: true });
  });

  it('emits every user again each sweep and a deletion for a user who left', async () => {
    const server = await start();
    const ctx = context(server);
    const first = await runStreamSweep(usersStream, ctx, initial());
    const gone = server.workspace.users.find((user) => user.listed && user.type === 'person');
    if (gone === undefined) throw new Error('the workspace has no listed person');
    // No mutation for this exists: a user removed from the workspace is simply no longer listed.
    gone.listed = false;
    server.resetCounters();
    const second = await runStreamSweep(usersStream, ctx, first.state);
    const deletions = second.committedDocs.filter(isDeletionDocument);
    expect(deletions).toEqual([{ id: gone.id, _meta: { op: 'd' } }]);
    const expected = expectedUsers(server);
    expect(second.committedDocs.filter((doc) => !isDeletionDocument(doc))).toHaveLength(expected.size);
    const collection = new TestCollection().apply(first.committedDocs).apply(second.committedDocs);
    expect(collection.docs).toEqual(expected);
    expect(idsOf(second.state).has(gone.id)).toBe(false);
    expect(server.counters().byRoute).toEqual({ 'users.list': 1 });
    expectValid(second.committedDocs);
    // A third sweep deletes nobody.
    const third = await runStreamSweep(usersStream, ctx, second.state);
    expect(third.committedDocs.filter(isDeletionDocument)).toEqual([]);
  });

  it('says the "Read user information" capability is missing on 403', async () => {
    const server = await start({ tokens: [{ token: 'ntn_emulator_no_users', readUsers: false }] });
    const error = await runStreamSweep(usersStream, context(server), initial()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotionApiError);
    expect(isNotionApiError(error, 'restricted_resource')).toBe(true);
    expect((error as NotionApiError).status).toBe(403);
    expect((error as NotionApiError).isRetryable).toBe(false);
    expect((error as Error).message).toMatch(/lacks the "Read user information" capability/);
    expect((error as Error).message).toMatch(/notion\.so\/profile\/integrations/);
    expect((error as Error).cause).toBeInstanceOf(NotionApiError);
  });

  it('lists with the page size it was created with', async () => {
    const server = await start();
    const stream = createUsersStream({ pageSize: 3 });
    const outcome = await runStreamSweep(stream, context(server), stream.initialState({} as never));
    const expected = expectedUsers(server);
    expect(new Map(outcome.committedDocs.map((doc) => [doc.id as string, doc]))).toEqual(expected);
    expect(server.counters().byRoute).toEqual({ 'users.list': Math.ceil(expected.size / 3) });
  });

  it('propagates 401 unauthorized', async () => {
    const server = await start();
    const error = await runStreamSweep(
      usersStream,
      context(server, 'ntn_not_a_valid_token'),
      initial(),
    ).catch((e: unknown) => e);
    expect(isNotionApiError(error, 'unauthorized')).toBe(true);
    expect((error as NotionApiError).status).toBe(401);
  });

  it('ends with the same collection after crashes at random points', async () => {
    const server = await start({
      workspace: { seed: 5, size: 'tiny', users: 150, now: Date.UTC(2025, 0, 1) },
    });
    const ctx = context(server);
    const first = await runStreamSweep(usersStream, ctx, initial());
    const listed = server.workspace.users.filter((user) => user.listed && user.type === 'person');
    listed[0]!.listed = false;
    listed[1]!.listed = false;
    const expected = expectedUsers(server);

    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % n);
    };
    let totalCrashes = 0;
    for (let round = 0; round < 4; round++) {
      const stops = Array.from({ length: 3 }, () => random(expected.size + 6));
      const collection = new TestCollection().apply(first.committedDocs);
      const { state, sweeps } = await sweepWithCrashes(usersStream, ctx, first.state, stops, collection);
      totalCrashes += sweeps - 1;
      expect(collection.docs).toEqual(expected);
      expect(idsOf(state)).toEqual(new Set(expected.keys()));
      expect(usersStream.stateSchema.parse(state)).toEqual(state);
    }
    expect(totalCrashes).toBeGreaterThan(0);
  });
});

describe('usersStream state', () => {
  const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
  const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
  const UPPER = 'CCCCCCCC-CCCC-4CCC-8CCC-CCCCCCCCCCCC';
  const user = (id: string) => ({ object: 'user', id, type: 'person', name: id, person: {} });

  it('packs API ids sorted, keeps any other id verbatim, and deletes both kinds', async () => {
    let listed = [user(B), user('odd-user'), user(A), user(UPPER)];
    const ctx = createFakeStreamContext({
      sdk: {
        users: {
          list: async () => ({ object: 'list', results: listed, has_more: false, next_cursor: null }),
        },
      },
    });
    const first = await runStreamSweep(usersStream, ctx, initial());
    // The same bytes as before core's packIds took over (sorted 16-byte ids, base64url).
    expect(first.state).toEqual({ v: 1, ids: packIds([A, B]), other: [UPPER, 'odd-user'] });
    expect(usersStream.stateSchema.parse(first.state)).toEqual(first.state);

    listed = [user(A)];
    const second = await runStreamSweep(usersStream, ctx, first.state);
    const deleted = second.committedDocs.filter(isDeletionDocument).map((doc) => doc.id);
    expect(deleted.sort()).toEqual([B, UPPER, 'odd-user'].sort());
    expect(second.state).toEqual({ v: 1, ids: packIds([A]) });
  });
});

describe('usersStream on Notion-Version 2026-12-01', () => {
  it('captures people whose name is null, sending the configured version', async () => {
    const person = {
      object: 'user',
      id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd',
      type: 'person',
      name: null,
      avatar_url: null,
      person: { email: 'unnamed@example.com' },
    };
    const owner = {
      object: 'user',
      id: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee',
      type: 'person',
      name: null,
      person: {},
    };
    const bot = {
      object: 'user',
      id: 'ffffffff-ffff-4fff-8fff-ffffffffffff',
      type: 'bot',
      name: 'Capture',
      avatar_url: null,
      bot: { owner: { type: 'user', user: owner }, workspace_name: 'W' },
    };
    const server = opened.add(
      await startTestServer((_request, response) =>
        sendJson(response, 200, {
          object: 'list',
          results: [person, bot],
          next_cursor: null,
          has_more: false,
          type: 'user',
          user: {},
          request_id: 'req-users-2026-12-01',
        }),
      ),
    );
    const ctx = opened.add(
      createStreamTestContext({
        baseUrl: server.url,
        token: 'users-2026-12-01-token',
        config: { advanced: { notion_version: '2026-12-01' } },
      }),
    );
    const result = await runStreamSweep(usersStream, ctx, initial());
    expect(server.requests.map((r) => [r.path, r.headers['notion-version']])).toEqual([
      ['/v1/users?page_size=100', '2026-12-01'],
    ]);
    expect(result.committedDocs).toEqual([
      person,
      { ...bot, bot: { owner: { type: 'user', info: owner }, workspace_name: 'W' } },
    ]);
    expectValid(result.committedDocs);
  });
});
