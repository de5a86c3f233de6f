import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../emulator.js';
import { call, listAll, results } from '../test-support.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});
async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator({ rpm: null, workspace: { seed: 2, size: 'tiny' }, ...options });
  return emu;
}

describe('data source query', () => {
  it('filters by last_edited_time on_or_after and sorts by timestamps', async () => {
    const e = await start();
    const tasks = e.groundTruth().data_sources.find((d) => d.title[0]?.plain_text === 'Tasks');
    const path = `/v1/data_sources/${tasks?.id}/query`;
    const all = results(
      await listAll(e, path, {
        body: { sorts: [{ timestamp: 'last_edited_time', direction: 'ascending' }] },
      }),
    );
    const rows = e.workspace.dataSources[1]?.rowIdxs.length ?? 0;
    expect(rows).toBeGreaterThanOrEqual(42);
    expect(all.length).toBe(rows);
    const times = all.map((r) => r.last_edited_time as string);
    expect([...times].sort()).toEqual(times);
    const cutoff = times[30] as string;
    const recent = results(
      await listAll(e, path, {
        body: {
          filter: { timestamp: 'last_edited_time', last_edited_time: { on_or_after: cutoff } },
          sorts: [{ timestamp: 'created_time', direction: 'descending' }],
        },
        pageSize: 5,
      }),
    );
    expect(recent.map((r) => r.id).sort()).toEqual(
      all
        .filter((r) => (r.last_edited_time as string) >= cutoff)
        .map((r) => r.id)
        .sort(),
    );
    const created = recent.map((r) => r.created_time as string);
    expect([...created].sort().reverse()).toEqual(created);
    const windowed = results(
      await listAll(e, path, {
        body: {
          filter: {
            and: [
              { timestamp: 'created_time', created_time: { on_or_after: '2000-01-01' } },
              { timestamp: 'created_time', created_time: { before: '2000-01-02' } },
            ],
          },
        },
      }),
    );
    expect(windowed).toEqual([]);
  });

  it('rejects unsupported filters with validation_error', async () => {
    const e = await start();
    const ds = e.groundTruth().data_sources[0];
    const r = await call(e, `/v1/data_sources/${ds?.id}/query`, {
      body: { filter: { timestamp: 'last_edited_time', last_edited_time: { on_or_after: 'yesterday' } } },
    });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('validation_error');
  });

  it('stops at the result cap with request_status incomplete and has_more false', async () => {
    const e = await start({ queryResultLimit: 10 });
    const tasks = e.groundTruth().data_sources.find((d) => d.title[0]?.plain_text === 'Tasks');
    const pages = await listAll(e, `/v1/data_sources/${tasks?.id}/query`, { body: {}, pageSize: 4 });
    expect(results(pages)).toHaveLength(10);
    const last = pages[pages.length - 1];
    expect(last).toMatchObject({
      has_more: false,
      next_cursor: null,
      request_status: { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' },
    });
    expect(pages.slice(0, -1).every((p) => p.request_status === undefined)).toBe(true);
    // a created_time window below the cap is complete
    const sorted =
      e.workspace.dataSources[1]?.rowIdxs
        .map((i) => e.workspace.pages[i]?.created ?? 0)
        .sort((a, b) => a - b) ?? [];
    const before = new Date((sorted[5] ?? 0) + 1).toISOString();
    const windowed = await listAll(e, `/v1/data_sources/${tasks?.id}/query`, {
      body: { filter: { timestamp: 'created_time', created_time: { before } } },
      pageSize: 4,
    });
    expect(results(windowed).length).toBe(sorted.filter((t) => t < Date.parse(before)).length);
    expect(windowed[windowed.length - 1]?.request_status).toBeUndefined();
  });

  it('honours filter_properties', async () => {
    const e = await start();
    const ds = e.groundTruth().data_sources[0];
    const titleId = 'title';
    const r = await call(e, `/v1/data_sources/${ds?.id}/query?filter_properties=${titleId}`, {
      body: { page_size: 1 },
    });
    const page = (r.json.results as Record<string, unknown>[])[0];
    expect(Object.values(page?.properties as object).map((p: { id: string }) => p.id)).toEqual(['title']);
  });

  it('404s an unknown data source and a linked database', async () => {
    const e = await start();
    expect(
      (await call(e, '/v1/data_sources/00000000-0000-4000-8000-000000000000/query', { body: {} })).status,
    ).toBe(404);
    const linked = e
      .groundTruth()
      .blocks.find((b) => b.type === 'child_database' && !e.workspace.databaseById(b.id));
    expect(linked).toBeDefined();
    expect((await call(e, `/v1/databases/${linked?.id}`)).status).toBe(404);
  });
});
