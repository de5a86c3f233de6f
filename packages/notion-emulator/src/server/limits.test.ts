import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../emulator.js';
import { call, listAll, results } from '../test-support.js';
import { DEFAULT_LIMITS, parseLimits, resolveLimits } from './limits.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});
async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator({ rpm: null, workspace: { seed: 3, size: 'tiny' }, ...options });
  return emu;
}
// A fixed generation time: omission draws depend on each page's last_edited_time.
const NOW = Date.UTC(2026, 5, 15, 12, 30);
const invalid = (cursor: unknown) => `The start_cursor provided is invalid: ${String(cursor)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('limits: options', () => {
  it('defaults to the realistic values and `false` turns every limit off', () => {
    expect(resolveLimits(undefined)).toEqual({
      searchPositionCap: 11_200,
      searchCapMode: 'reject',
      cursorTtlSeconds: 180,
      searchOmitPageRate: 0.005,
      searchOmitDataSourceRate: 0.05,
      computedReferenceLimit: 25,
      markdownRecordLimit: 20_000,
    });
    expect(resolveLimits({})).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ cursorTtlSeconds: 60 }).cursorTtlSeconds).toBe(60);
    expect(resolveLimits({ cursorTtlSeconds: 60 }).searchPositionCap).toBe(11_200);
    expect(resolveLimits(false)).toEqual({
      searchPositionCap: null,
      searchCapMode: 'reject',
      cursorTtlSeconds: null,
      searchOmitPageRate: 0,
      searchOmitDataSourceRate: 0,
      computedReferenceLimit: null,
      markdownRecordLimit: null,
    });
  });

  it('rejects nonsense and parses the CLI form', () => {
    expect(() => resolveLimits({ searchPositionCap: 0 })).toThrow(RangeError);
    expect(() => resolveLimits({ searchOmitPageRate: 2 })).toThrow(RangeError);
    expect(() => resolveLimits({ cursorTtlSeconds: -1 })).toThrow(RangeError);
    expect(parseLimits('off')).toBe(false);
    expect(parseLimits('searchPositionCap=500,cursorTtlSeconds=off,searchCapMode=incomplete')).toEqual({
      searchPositionCap: 500,
      cursorTtlSeconds: null,
      searchCapMode: 'incomplete',
    });
    expect(() => parseLimits('nope=1')).toThrow(/unknown limit/);
  });
});

describe('limits: search position cap', () => {
  it('hands out a cursor past the cap and rejects it with Notion’s message (default mode)', async () => {
    const e = await start({ limits: { searchPositionCap: 20, searchOmitPageRate: 0 } });
    const body = { page_size: 7 };
    const sizes: number[] = [];
    let cursor: unknown;
    for (let i = 0; i < 3; i++) {
      const r = await call(e, '/v1/search', {
        body: { ...body, ...(cursor ? { start_cursor: cursor } : {}) },
      });
      expect(r.status).toBe(200);
      expect(r.json.has_more).toBe(true);
      expect(r.json.request_status).toBeUndefined();
      sizes.push((r.json.results as unknown[]).length);
      cursor = r.json.next_cursor;
    }
    expect(sizes).toEqual([7, 7, 6]);
    const past = await call(e, '/v1/search', { body: { ...body, start_cursor: cursor } });
    expect(past.status).toBe(400);
    expect(past.json).toMatchObject({ object: 'error', code: 'validation_error', message: invalid(cursor) });
  });

  it('in incomplete mode ends the listing with request_status incomplete', async () => {
    const e = await start({ limits: { searchPositionCap: 20, searchCapMode: 'incomplete' } });
    const pages = await listAll(e, '/v1/search', { body: {}, pageSize: 8 });
    expect(results(pages)).toHaveLength(20);
    const last = pages[pages.length - 1] as Record<string, unknown>;
    expect(last).toMatchObject({
      has_more: false,
      next_cursor: null,
      request_status: { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' },
    });
    expect(pages[0]?.request_status).toBeUndefined();
  });

  it('is off with searchPositionCap null: the listing reads to its end', async () => {
    const e = await start({
      limits: { searchPositionCap: null, searchOmitPageRate: 0, searchOmitDataSourceRate: 0 },
    });
    const truth = e.groundTruth();
    const found = results(await listAll(e, '/v1/search', { body: {}, pageSize: 7 }));
    expect(found.length).toBe(truth.pages.filter((p) => !p.in_trash).length + truth.data_sources.length);
  });
});

describe('limits: cursor expiry', () => {
  it('rejects search and query cursors once their listing is older than cursorTtlSeconds', async () => {
    const e = await start({ timeScale: 100, limits: { cursorTtlSeconds: 30 } });
    const tasks = e.workspace.dataSources[1]?.id;
    const query = `/v1/data_sources/${tasks}/query`;
    const s1 = await call(e, '/v1/search', { body: { page_size: 5 } });
    const q1 = await call(e, query, { body: { page_size: 5 } });
    await sleep(200); // 20 emulated seconds
    const q2 = await call(e, query, { body: { page_size: 5, start_cursor: q1.json.next_cursor } });
    expect(q2.status).toBe(200);
    await sleep(150); // 35 emulated seconds since the listing started, 15 since q2's cursor was issued
    const s2 = await call(e, '/v1/search', { body: { page_size: 5, start_cursor: s1.json.next_cursor } });
    expect(s2.status).toBe(400);
    expect(s2.json.message).toBe(invalid(s1.json.next_cursor));
    const q3 = await call(e, query, { body: { page_size: 5, start_cursor: q2.json.next_cursor } });
    expect(q3.status).toBe(400);
    expect(q3.json).toMatchObject({ code: 'validation_error', message: invalid(q2.json.next_cursor) });
    // a new listing starts a new session
    const fresh = await call(e, query, { body: { page_size: 5 } });
    const next = await call(e, query, { body: { page_size: 5, start_cursor: fresh.json.next_cursor } });
    expect(next.status).toBe(200);
  });

  it('defaults to 180 emulated seconds, and never expires with cursorTtlSeconds null', async () => {
    const e = await start({ timeScale: 1000 });
    const tasks = e.workspace.dataSources[1]?.id;
    const q1 = await call(e, `/v1/data_sources/${tasks}/query`, { body: { page_size: 5 } });
    await sleep(100); // 100 emulated seconds
    const ok = await call(e, `/v1/data_sources/${tasks}/query`, {
      body: { page_size: 5, start_cursor: q1.json.next_cursor },
    });
    expect(ok.status).toBe(200);
    await sleep(120); // 220 emulated seconds
    const late = await call(e, `/v1/data_sources/${tasks}/query`, {
      body: { page_size: 5, start_cursor: q1.json.next_cursor },
    });
    expect(late.status).toBe(400);
    await e.close();
    const off = await start({ timeScale: 1000, limits: { cursorTtlSeconds: null } });
    const r1 = await call(off, `/v1/data_sources/${tasks}/query`, { body: { page_size: 5 } });
    await sleep(250);
    const r2 = await call(off, `/v1/data_sources/${tasks}/query`, {
      body: { page_size: 5, start_cursor: r1.json.next_cursor },
    });
    expect(r2.status).toBe(200);
  });
});

describe('limits: search omissions', () => {
  const everything = async (e: Emulator) => results(await listAll(e, '/v1/search', { body: {} }));

  it('never omits workspace-level pages; omits data sources only where a child_database block reaches them', async () => {
    const e = await start({
      workspace: { seed: 4, size: 'small', now: NOW },
      limits: { searchOmitPageRate: 1, searchOmitDataSourceRate: 1 },
    });
    const truth = e.groundTruth();
    const found = await everything(e);
    const pages = found.filter((r) => r.object === 'page');
    expect(pages.length).toBeGreaterThan(0);
    for (const p of pages) expect((p.parent as { type: string }).type).toBe('workspace');
    const roots = truth.pages.filter((p) => p.parent.type === 'workspace' && !p.in_trash);
    expect(pages.map((p) => p.id).sort()).toEqual(roots.map((p) => p.id).sort());
    const sources = found.filter((r) => r.object === 'data_source').map((r) => r.id);
    for (const ds of e.workspace.dataSources) {
      const inPage = e.workspace.databases[ds.databaseIdx]?.parent.type === 'page';
      expect(sources.includes(ds.id)).toBe(!inPage);
    }
  });

  it('omits a small, stable share of non-root pages by default', async () => {
    const e = await start({ workspace: { seed: 4, size: 'small', now: NOW } });
    const truth = e.groundTruth();
    const first = (await everything(e)).map((r) => r.id as string);
    const second = (await everything(e)).map((r) => r.id as string);
    expect(second).toEqual(first);
    const live = truth.pages.filter((p) => !p.in_trash);
    const missing = live.filter((p) => !first.includes(p.id));
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.length).toBeLessThan(live.length * 0.03);
    for (const p of missing) expect(p.parent.type).not.toBe('workspace');
    const off = await startEmulator({
      rpm: null,
      workspace: { seed: 4, size: 'small', now: NOW },
      limits: { searchOmitPageRate: 0, searchOmitDataSourceRate: 0, searchPositionCap: null },
    });
    try {
      expect((await everything(off)).length).toBe(live.length + truth.data_sources.length);
    } finally {
      await off.close();
    }
  });
});
