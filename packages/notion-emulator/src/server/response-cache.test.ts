import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { call } from '../test-support.js';

describe('responseCache', () => {
  let cachedEmu: Emulator;
  let plainEmu: Emulator;
  beforeAll(async () => {
    cachedEmu = await startEmulator({ rpm: null, workspace: { seed: 5, size: 'tiny' }, responseCache: true });
    plainEmu = await startEmulator({ rpm: null, workspace: { seed: 5, size: 'tiny' } });
  });
  afterAll(async () => {
    await cachedEmu.close();
    await plainEmu.close();
  });

  const withoutRequestId = (json: Record<string, unknown>) => {
    const { request_id: _, ...rest } = json;
    return rest;
  };
  const pageId = () => cachedEmu.groundTruth().pages[0]!.id;

  it('answers exactly as without the cache, each answer with its own request id', async () => {
    const path = `/v1/blocks/${pageId()}/children?page_size=5`;
    const first = await call(cachedEmu, path);
    const second = await call(cachedEmu, path);
    const plain = await call(plainEmu, path);
    expect(first.status).toBe(200);
    expect(withoutRequestId(second.json)).toEqual(withoutRequestId(first.json));
    // The same answer as an emulator without the cache (cursors carry their issue time).
    const { next_cursor: cursor, ...answer } = withoutRequestId(first.json);
    const { next_cursor: plainCursor, ...plainAnswer } = withoutRequestId(plain.json);
    expect(answer).toEqual(plainAnswer);
    expect(typeof cursor).toBe(typeof plainCursor);
    const next = await call(cachedEmu, `${path}&start_cursor=${String(cursor)}`);
    expect(next.status).toBe(200);
    expect(second.json.request_id).toEqual(expect.any(String));
    expect(second.json.request_id).not.toBe(first.json.request_id);
    // Both requests are logged and counted as any other.
    expect(cachedEmu.requests().filter((r) => r.path === path)).toHaveLength(2);
  });

  it('keys answers by the whole request: query and body', async () => {
    const a = await call(cachedEmu, `/v1/blocks/${pageId()}/children?page_size=2`);
    const b = await call(cachedEmu, `/v1/blocks/${pageId()}/children?page_size=3`);
    expect((a.json.results as unknown[]).length).toBe(2);
    expect((b.json.results as unknown[]).length).toBe(3);
    const pages = await call(cachedEmu, '/v1/search', {
      body: { filter: { property: 'object', value: 'page' } },
    });
    const sources = await call(cachedEmu, '/v1/search', {
      body: { filter: { property: 'object', value: 'data_source' } },
    });
    expect((pages.json.results as { object: string }[]).every((r) => r.object === 'page')).toBe(true);
    expect((sources.json.results as { object: string }[]).every((r) => r.object === 'data_source')).toBe(
      true,
    );
  });

  it('forgets every answer when the workspace changes', async () => {
    const id = pageId();
    const path = `/v1/blocks/${id}/children?page_size=100`;
    const before = await call(cachedEmu, path);
    const count = (before.json.results as unknown[]).length;
    cachedEmu.workspace.appendBlocks(id, 2);
    const after = await call(cachedEmu, path);
    expect((after.json.results as unknown[]).length).toBe(Math.min(100, count + 2));
  });

  it('does not keep errors', async () => {
    const missing = '/v1/blocks/00000000-0000-4000-8000-000000000000/children';
    expect((await call(cachedEmu, missing)).status).toBe(404);
    expect((await call(cachedEmu, missing)).status).toBe(404);
  });
});
