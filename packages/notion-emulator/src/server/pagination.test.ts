import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { call, listAll, results } from '../test-support.js';

describe('pagination', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ rpm: null, limits: false, workspace: { seed: 5, size: 'tiny', users: 12 } });
  });
  afterAll(() => emu.close());

  const invariants = (pages: Record<string, unknown>[], pageSize: number) => {
    pages.forEach((page, i) => {
      const last = i === pages.length - 1;
      expect(page.object).toBe('list');
      expect(page.has_more).toBe(!last);
      expect(page.next_cursor === null).toBe(!page.has_more);
      expect((page.results as unknown[]).length).toBeLessThanOrEqual(pageSize);
    });
    const ids = results(pages).map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    return ids;
  };

  it.each([1, 3, 7, 100])('users: page_size %i gives the same complete list', async (size) => {
    const all = invariants(await listAll(emu, '/v1/users', { pageSize: 100 }), 100);
    const paged = invariants(await listAll(emu, '/v1/users', { pageSize: size }), size);
    expect(paged).toEqual(all);
    expect(all.length).toBe(emu.groundTruth().users.length);
  });

  it('search, data source query, block children and comments keep the invariants', async () => {
    const truth = emu.groundTruth();
    const search = invariants(await listAll(emu, '/v1/search', { body: {}, pageSize: 9 }), 9);
    expect(search.length).toBe(truth.pages.length + truth.data_sources.length);
    const ds = truth.data_sources[1];
    const rows = invariants(
      await listAll(emu, `/v1/data_sources/${ds?.id}/query`, { body: {}, pageSize: 4 }),
      4,
    );
    expect(rows.length).toBe(
      truth.pages.filter((p) => p.parent.type === 'data_source_id' && p.parent.data_source_id === ds?.id)
        .length,
    );
    const page = truth.pages[1];
    const children = invariants(await listAll(emu, `/v1/blocks/${page?.id}/children`, { pageSize: 2 }), 2);
    expect(children).toEqual(
      truth.blocks.filter((b) => b.page_id === page?.id && b.depth === 1).map((b) => b.id),
    );
    const home = truth.pages[0];
    const comments = invariants(await listAll(emu, `/v1/comments?block_id=${home?.id}`, { pageSize: 1 }), 1);
    expect(comments).toEqual(truth.comments.filter((c) => c.page_id === home?.id).map((c) => c.id));
  });

  it("rejects unknown, forged and foreign cursors with Notion's message", async () => {
    const r = await call(emu, '/v1/users?start_cursor=bogus');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      code: 'validation_error',
      message: 'The start_cursor provided is invalid: bogus',
    });
    const first = await call(emu, '/v1/users?page_size=2');
    const cursor = first.json.next_cursor as string;
    expect((await call(emu, `/v1/users?page_size=2&start_cursor=${encodeURIComponent(cursor)}`)).status).toBe(
      200,
    );
    const forged = `${cursor.slice(0, -1)}${cursor.endsWith('a') ? 'b' : 'a'}`;
    expect((await call(emu, `/v1/users?start_cursor=${encodeURIComponent(forged)}`)).status).toBe(400);
    const search = await call(emu, '/v1/search', { body: { start_cursor: cursor } });
    expect(search.json.message).toBe(`The start_cursor provided is invalid: ${cursor}`);
  });

  it('a page may be shorter than page_size only at the end here, and page_size defaults to 100', async () => {
    const r = await call(emu, '/v1/search', { body: {} });
    expect((r.json.results as unknown[]).length).toBe(Math.min(100, emu.groundTruth().pages.length + 3));
  });
});
