import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { call, listAll, results } from '../test-support.js';
import { HOUR_MS, MINUTE_MS } from '../time.js';

const NOW = Date.UTC(2025, 0, 10, 9, 0);
const START = NOW + 2 * HOUR_MS + 17_345; // emulated clock start: not on a minute boundary

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});
async function start(): Promise<Emulator> {
  emu = await startEmulator({ rpm: null, startTime: START, workspace: { seed: 6, size: 'tiny', now: NOW } });
  return emu;
}
const minute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

describe('mutations', () => {
  it('editPage bumps last_edited_time to the emulated minute and changes property values', async () => {
    const e = await start();
    const truth = e.groundTruth();
    const row = truth.pages.find((p) => p.parent.type === 'data_source_id');
    const before = await call(e, `/v1/pages/${row?.id}`);
    e.workspace.editPage(row?.id ?? '', { title: 'Renamed' });
    const after = await call(e, `/v1/pages/${row?.id}`);
    expect(after.json.last_edited_time).toBe(new Date(minute(START)).toISOString());
    expect(Date.parse(after.json.last_edited_time as string)).toBeGreaterThan(
      Date.parse(before.json.last_edited_time as string),
    );
    expect(JSON.stringify(after.json.properties)).toContain('Renamed');
    expect(after.json.properties).not.toEqual(before.json.properties);
    const first = await call(e, '/v1/search', {
      body: { page_size: 1, sort: { timestamp: 'last_edited_time', direction: 'descending' } },
    });
    expect((first.json.results as { id: string }[])[0]?.id).toBe(row?.id);
    const ds = row?.parent.type === 'data_source_id' ? row.parent.data_source_id : '';
    const changed = results(
      await listAll(e, `/v1/data_sources/${ds}/query`, {
        body: {
          filter: {
            timestamp: 'last_edited_time',
            last_edited_time: { on_or_after: new Date(minute(START)).toISOString() },
          },
        },
      }),
    );
    expect(changed.map((p) => p.id)).toEqual([row?.id]);
  });

  it('editBlock bumps the block and its page; appendBlocks adds children and has_children', async () => {
    const e = await start();
    const truth = e.groundTruth();
    const para = truth.blocks.find((b) => b.type === 'paragraph' && !b.has_children && b.depth === 1);
    e.workspace.editBlock(para?.id ?? '', { text: 'edited text' });
    const block = await call(e, `/v1/blocks/${para?.id}`);
    expect(block.json.last_edited_time).toBe(new Date(minute(START)).toISOString());
    expect(JSON.stringify(block.json.paragraph)).toContain('edited text');
    const page = await call(e, `/v1/pages/${para?.page_id}`);
    expect(page.json.last_edited_time).toBe(new Date(minute(START)).toISOString());
    const ids = e.workspace.appendBlocks(para?.id ?? '', 2);
    expect((await call(e, `/v1/blocks/${para?.id}`)).json.has_children).toBe(true);
    const children = results(await listAll(e, `/v1/blocks/${para?.id}/children`)).map((b) => b.id);
    expect(children).toEqual(ids);
  });

  it('deleteBlock removes it from its parent and answers in_trash; moveBlock re-parents across pages', async () => {
    const e = await start();
    const truth = e.groundTruth();
    const [p1] = truth.pages.filter((p) => p.parent.type === 'workspace');
    const victim = truth.blocks.find((b) => b.page_id === p1?.id && b.depth === 1 && b.type === 'paragraph');
    e.workspace.deleteBlock(victim?.id ?? '');
    expect(results(await listAll(e, `/v1/blocks/${p1?.id}/children`)).map((b) => b.id)).not.toContain(
      victim?.id,
    );
    expect((await call(e, `/v1/blocks/${victim?.id}`)).json.in_trash).toBe(true);
    const toggle = truth.blocks.find((b) => b.type === 'toggle' && b.has_children && b.depth === 1);
    const p2 = truth.pages.find((p) => p.id !== toggle?.page_id && p.parent.type === 'workspace');
    const kids = results(await listAll(e, `/v1/blocks/${toggle?.id}/children`)).map((b) => b.id);
    e.workspace.moveBlock(toggle?.id ?? '', p2?.id ?? '');
    const top2 = results(await listAll(e, `/v1/blocks/${p2?.id}/children`));
    expect(top2[top2.length - 1]?.id).toBe(toggle?.id);
    expect((await call(e, `/v1/blocks/${toggle?.id}`)).json.parent).toEqual({
      type: 'page_id',
      page_id: p2?.id,
    });
    expect(results(await listAll(e, `/v1/blocks/${toggle?.id}/children`)).map((b) => b.id)).toEqual(kids);
    const after = e.groundTruth();
    expect(after.blocks.filter((b) => kids.includes(b.id)).every((b) => b.page_id === p2?.id)).toBe(true);
  });

  it('movePage re-parents a child page: its child_page block leaves the old tree for the new one', async () => {
    const e = await start();
    const truth = e.groundTruth();
    const child = truth.pages.find((p) => p.parent.type === 'page_id');
    const from = child?.parent.type === 'page_id' ? child.parent.page_id : '';
    const to = truth.pages.find((p) => p.parent.type === 'workspace' && p.id !== from)?.id ?? '';
    const ids = async (page: string) =>
      results(await listAll(e, `/v1/blocks/${page}/children`)).map((b) => b.id);
    const before = await call(e, `/v1/pages/${child?.id}`);
    e.workspace.movePage(child?.id ?? '', to);
    const after = await call(e, `/v1/pages/${child?.id}`);
    expect(after.json.parent).toEqual({ type: 'page_id', page_id: to });
    expect(Date.parse(after.json.last_edited_time as string)).toBeGreaterThan(
      Date.parse(before.json.last_edited_time as string),
    );
    expect((await ids(to)).at(-1)).toBe(child?.id);
    const moved = e.groundTruth();
    expect(moved.blocks.find((b) => b.id === child?.id)?.page_id).toBe(to);
    expect(moved.blocks.filter((b) => b.page_id === from).map((b) => b.id)).not.toContain(child?.id);
    expect(() => e.workspace.movePage(to, child?.id ?? '')).toThrow(/page under a page/);
  });

  it('trash, restore, purge and unshare pages', async () => {
    const e = await start();
    const page = e.groundTruth().pages[3];
    const ids = async () =>
      results(
        await listAll(e, '/v1/search', { body: { filter: { property: 'object', value: 'page' } } }),
      ).map((r) => r.id);
    e.workspace.trashPage(page?.id ?? '');
    expect(await ids()).not.toContain(page?.id);
    expect(e.groundTruth().pages.find((p) => p.id === page?.id)?.in_trash).toBe(true);
    e.workspace.restorePage(page?.id ?? '');
    expect(await ids()).toContain(page?.id);
    e.workspace.unsharePage(page?.id ?? '');
    expect((await call(e, `/v1/pages/${page?.id}`)).status).toBe(404);
    expect(e.groundTruth().pages.some((p) => p.id === page?.id)).toBe(false);
    e.workspace.sharePage(page?.id ?? '');
    e.workspace.purgePage(page?.id ?? '');
    expect((await call(e, `/v1/pages/${page?.id}`)).status).toBe(404);
  });

  it('addComment lists it (without bumping the page); resolveComment hides the discussion', async () => {
    const e = await start();
    const truth = e.groundTruth();
    const block = truth.blocks.find((b) => b.type === 'paragraph');
    const pageBefore = (await call(e, `/v1/pages/${block?.page_id}`)).json.last_edited_time;
    const id = e.workspace.addComment(block?.id ?? '', { text: 'hello' });
    const listed = results(await listAll(e, `/v1/comments?block_id=${block?.id}`));
    expect(listed.map((c) => c.id)).toContain(id);
    expect(listed.find((c) => c.id === id)).toMatchObject({
      parent: { type: 'block_id', block_id: block?.id },
      created_time: new Date(minute(START)).toISOString(),
    });
    expect((await call(e, `/v1/pages/${block?.page_id}`)).json.last_edited_time).toBe(pageBefore);
    e.workspace.resolveComment(id);
    expect(results(await listAll(e, `/v1/comments?block_id=${block?.id}`)).map((c) => c.id)).not.toContain(
      id,
    );
  });

  it('addDataSource and addPage appear in the database, search and queries', async () => {
    const e = await start();
    const db = e.groundTruth().databases.find((d) => d.data_sources.length === 1);
    const dsId = e.workspace.addDataSource(db?.id ?? '', { title: 'Second source', rows: 3 });
    const dbAfter = await call(e, `/v1/databases/${db?.id}`);
    expect((dbAfter.json.data_sources as { id: string; name: string }[]).map((d) => d.name)).toContain(
      'Second source',
    );
    expect(results(await listAll(e, `/v1/data_sources/${dsId}/query`, { body: {} }))).toHaveLength(3);
    const pageId = e.workspace.addPage(e.groundTruth().pages[0]?.id, { title: 'Brand new' });
    const home = results(await listAll(e, `/v1/blocks/${e.groundTruth().pages[0]?.id}/children`));
    expect(home.some((b) => b.id === pageId && b.type === 'child_page')).toBe(true);
    const found = results(await listAll(e, '/v1/search', { body: { query: 'brand new' } }));
    expect(found.map((r) => r.id)).toEqual([pageId]);
  });

  it('rejects mutations of unknown objects', async () => {
    const e = await start();
    expect(() => e.workspace.editPage('00000000-0000-4000-8000-000000000000')).toThrow(/no page/);
    expect(() => e.workspace.deleteBlock('nope')).toThrow(/no block/);
  });
});

describe('admin API', () => {
  it('exposes ground truth, request log, counters, reset, mutations and fault injection', async () => {
    const e = await start();
    const admin = async (path: string, body?: unknown) => {
      const r = await fetch(
        `${e.url}/__emulator/${path}`,
        body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) },
      );
      return { status: r.status, json: (await r.json()) as Record<string, unknown> };
    };
    const truth = await admin('ground-truth');
    expect((truth.json.pages as unknown[]).length).toBe(e.groundTruth().pages.length);
    const summary = await admin('ground-truth?summary=1');
    expect(summary.json).toMatchObject({
      pages: e.groundTruth().pages.length,
      blocks: e.groundTruth().blocks.length,
    });
    await call(e, '/v1/users/me');
    await call(e, '/v1/nope');
    const counters = await admin('counters');
    expect(counters.json).toMatchObject({
      requests: 2,
      byRoute: { 'users.me': 1, '(unknown)': 1 },
      byStatus: { '200': 1, '400': 1 },
    });
    const log = await fetch(`${e.url}/__emulator/requests`).then(
      (r) => r.json() as Promise<{ path: string; status: number; token?: string }[]>,
    );
    expect(log.map((l) => [l.path, l.status])).toEqual([
      ['/v1/users/me', 200],
      ['/v1/nope', 400],
    ]);
    expect(JSON.stringify(log)).not.toContain(e.token);
    const page = e.groundTruth().pages[2];
    expect(
      (await admin('mutations', { op: 'editPage', args: [page?.id, { title: 'Via admin' }] })).status,
    ).toBe(200);
    expect(JSON.stringify((await call(e, `/v1/pages/${page?.id}`)).json)).toContain('Via admin');
    expect((await admin('mutations', { op: 'dropTables', args: [] })).status).toBe(400);
    expect((await admin('mutations', { op: 'trashPage', args: ['nope'] })).status).toBe(400);
    expect((await admin('faults', { kind: '503', route: 'users.me' })).status).toBe(200);
    expect((await call(e, '/v1/users/me')).status).toBe(503);
    expect((await admin('reset', {})).status).toBe(200);
    expect((await admin('counters')).json.requests).toBe(0);
    const now = await admin('now');
    expect(now.json.now).toBeGreaterThanOrEqual(START);
    expect((await admin('nope')).status).toBe(404);
  });
});
