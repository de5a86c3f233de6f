import { isNotionApiError, NotionApiError } from '@source-notion/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestEnvironment, type TestEnvironment } from './emulator-harness.js';
import { decodeIdSet } from './id-set.js';
import { reduceCollection, runSweep } from './sweep-harness.js';
import { normalizeBotOwner } from './user-schema.js';
import { usersStream } from './users-stream.js';

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
function expectedUsers(env: TestEnvironment): Map<string, Record<string, unknown>> {
  return new Map(
    env.emulator.groundTruth().users.map((user) => {
      const doc: Record<string, unknown> = { ...user };
      if (user.type === 'bot' && 'owner' in user.bot)
        doc.bot = { ...user.bot, owner: normalizeBotOwner(user.bot.owner) };
      return [user.id, doc];
    }),
  );
}

const initial = () => usersStream.initialState({} as never);

let env: TestEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('usersStream against the emulator', () => {
  it('backfills every listed user, bot owners normalized, and checkpoints the id set', async () => {
    env = await startTestEnvironment({
      workspace: { seed: 3, size: 'tiny', users: 230, now: Date.UTC(2025, 0, 1) },
    });
    const outcome = await runSweep(usersStream, env.context(), initial());
    expect(outcome.completed).toBe(true);
    expect(outcome.uncommitted).toEqual([]);
    expect(outcome.checkpoints).toHaveLength(1);
    const expected = expectedUsers(env);
    expect(expected.size).toBeGreaterThan(230);
    expect(new Map(outcome.committed.map((doc) => [doc.id as string, doc]))).toEqual(expected);
    expect(outcome.committed).toHaveLength(expected.size);
    // The integration's bot: {type:'workspace', workspace:true} became {type:'workspace', info:true}.
    const bots = outcome.committed.filter(
      (doc) => (doc.bot as { owner?: unknown } | undefined)?.owner !== undefined,
    );
    expect(bots.length).toBeGreaterThan(0);
    for (const bot of bots)
      expect((bot.bot as { owner: unknown }).owner).toEqual({ type: 'workspace', info: true });
    expectValid(outcome.committed);
    expect(decodeIdSet({ ids: outcome.state.ids ?? '' })).toEqual(new Set(expected.keys()));
    // ⌈users/100⌉ list requests and nothing else.
    expect(env.emulator.counters().byRoute).toEqual({ 'users.list': Math.ceil(expected.size / 100) });
    expect(env.progress.at(-1)).toMatchObject({ unit: 'users', done: expected.size, backfill: true });
  });

  it('emits every user again each sweep and a deletion for a user who left', async () => {
    env = await startTestEnvironment();
    const ctx = env.context();
    const first = await runSweep(usersStream, ctx, initial());
    const gone = env.emulator.workspace.users.find((user) => user.listed && user.type === 'person');
    if (gone === undefined) throw new Error('the workspace has no listed person');
    // No mutation for this exists: a user removed from the workspace is simply no longer listed.
    gone.listed = false;
    env.emulator.resetCounters();
    const second = await runSweep(usersStream, ctx, first.state);
    const deletions = second.committed.filter((doc) => doc._meta !== undefined);
    expect(deletions).toEqual([{ id: gone.id, _meta: { op: 'd' } }]);
    const expected = expectedUsers(env);
    expect(second.committed.filter((doc) => doc._meta === undefined)).toHaveLength(expected.size);
    const collection = reduceCollection(reduceCollection(new Map(), first.committed), second.committed);
    expect(collection).toEqual(expected);
    expect(decodeIdSet({ ids: second.state.ids ?? '' }).has(gone.id)).toBe(false);
    expect(env.emulator.counters().byRoute).toEqual({ 'users.list': 1 });
    expectValid(second.committed);
    // A third sweep deletes nobody.
    const third = await runSweep(usersStream, ctx, second.state);
    expect(third.committed.filter((doc) => doc._meta !== undefined)).toEqual([]);
  });

  it('says the "Read user information" capability is missing on 403', async () => {
    env = await startTestEnvironment({ tokens: [{ token: 'ntn_emulator_no_users', readUsers: false }] });
    const error = await runSweep(usersStream, env.context(), initial()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotionApiError);
    expect(isNotionApiError(error, 'restricted_resource')).toBe(true);
    expect((error as NotionApiError).status).toBe(403);
    expect((error as NotionApiError).isRetryable).toBe(false);
    expect((error as Error).message).toMatch(/lacks the "Read user information" capability/);
    expect((error as Error).message).toMatch(/notion\.so\/profile\/integrations/);
    expect((error as Error).cause).toBeInstanceOf(NotionApiError);
  });

  it('propagates 401 unauthorized', async () => {
    env = await startTestEnvironment();
    const error = await runSweep(
      usersStream,
      env.context({ token: 'ntn_not_a_valid_token' }),
      initial(),
    ).catch((e: unknown) => e);
    expect(isNotionApiError(error, 'unauthorized')).toBe(true);
    expect((error as NotionApiError).status).toBe(401);
  });

  it('ends with the same collection after crashes at random points', async () => {
    env = await startTestEnvironment({
      workspace: { seed: 5, size: 'tiny', users: 150, now: Date.UTC(2025, 0, 1) },
    });
    const ctx = env.context();
    const first = await runSweep(usersStream, ctx, initial());
    const listed = env.emulator.workspace.users.filter((user) => user.listed && user.type === 'person');
    listed[0]!.listed = false;
    listed[1]!.listed = false;
    const expected = expectedUsers(env);

    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % n);
    };
    let totalCrashes = 0;
    for (let round = 0; round < 4; round++) {
      let collection = reduceCollection(new Map(), first.committed);
      let state = first.state;
      for (;;) {
        const outcome = await runSweep(usersStream, ctx, state, {
          stopAfterEvents: random(expected.size + 6),
        });
        collection = reduceCollection(collection, outcome.committed);
        state = outcome.state;
        if (outcome.completed) break;
        totalCrashes += 1;
      }
      expect(collection).toEqual(expected);
      expect(decodeIdSet({ ids: state.ids ?? '' })).toEqual(new Set(expected.keys()));
    }
    expect(totalCrashes).toBeGreaterThan(0);
  });
});
