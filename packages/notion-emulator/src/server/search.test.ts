import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../emulator.js';
import { call, listAll, results } from '../test-support.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});
async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator({ rpm: null, workspace: { seed: 11, size: 'tiny' }, ...options });
  return emu;
}
const edited = (r: Record<string, unknown>) => Date.parse(r.last_edited_time as string);

describe('search', () => {
  it('filters by object and sorts by last_edited_time both ways (exhaustive with limits off)', async () => {
    const e = await start({ limits: false });
    const truth = e.groundTruth();
    const pages = results(
      await listAll(e, '/v1/search', {
        body: {
          filter: { property: 'object', value: 'page' },
          sort: { timestamp: 'last_edited_time', direction: 'ascending' },
        },
        pageSize: 13,
      }),
    );
    expect(pages.every((r) => r.object === 'page')).toBe(true);
    expect(pages.map((r) => r.id).sort()).toEqual(truth.pages.map((p) => p.id).sort());
    for (let i = 1; i < pages.length; i++)
      expect(edited(pages[i] as never)).toBeGreaterThanOrEqual(edited(pages[i - 1] as never));
    const desc = results(
      await listAll(e, '/v1/search', {
        body: {
          filter: { property: 'object', value: 'page' },
          sort: { timestamp: 'last_edited_time', direction: 'descending' },
        },
      }),
    );
    for (let i = 1; i < desc.length; i++)
      expect(edited(desc[i] as never)).toBeLessThanOrEqual(edited(desc[i - 1] as never));
    const sources = results(
      await listAll(e, '/v1/search', { body: { filter: { property: 'object', value: 'data_source' } } }),
    );
    expect(sources.map((r) => r.object)).toEqual(['data_source', 'data_source', 'data_source']);
    expect(sources.map((r) => r.id).sort()).toEqual(truth.data_sources.map((d) => d.id).sort());
  });

  it('excludes trashed pages (which still answer 200 with in_trash) and hidden ones', async () => {
    const e = await start();
    const [a, b] = e.groundTruth().pages;
    e.workspace.trashPage(a?.id ?? '');
    e.workspace.hideFromSearch(b?.id ?? '');
    const ids = results(await listAll(e, '/v1/search', { body: {} })).map((r) => r.id);
    expect(ids).not.toContain(a?.id);
    expect(ids).not.toContain(b?.id);
    const trashed = await call(e, `/v1/pages/${a?.id}`);
    expect(trashed.status).toBe(200);
    expect(trashed.json).toMatchObject({ in_trash: true, archived: true });
  });

  it('omits a seeded share of pages when searchOmitRate is set', async () => {
    const e = await start({ faults: { searchOmitRate: 0.3 } });
    const all = e.groundTruth().pages.length;
    const found = results(
      await listAll(e, '/v1/search', { body: { filter: { property: 'object', value: 'page' } } }),
    ).length;
    expect(found).toBeLessThan(all * 0.9);
    expect(found).toBeGreaterThan(all * 0.4);
    const again = results(
      await listAll(e, '/v1/search', { body: { filter: { property: 'object', value: 'page' } } }),
    ).length;
    expect(again).toBe(found);
  });

  it('lags behind edits by searchIndexLagS (emulated)', async () => {
    // Omissions off: an edit draws a page's omission again, which is not what this test is about.
    const e = await start({ timeScale: 100, limits: false, faults: { searchIndexLagS: 60 } });
    const page = [...e.groundTruth().pages].sort((a, b) =>
      a.last_edited_time.localeCompare(b.last_edited_time),
    )[0];
    const before = page?.last_edited_time;
    e.workspace.editPage(page?.id ?? '');
    const newId = e.workspace.addPage(undefined, { title: 'Fresh page' });
    const find = async () =>
      results(
        await listAll(e, '/v1/search', {
          body: {
            filter: { property: 'object', value: 'page' },
            sort: { timestamp: 'last_edited_time', direction: 'descending' },
          },
        }),
      );
    let now = await find();
    expect(now.map((r) => r.id)).not.toContain(newId);
    expect(now[0]?.id).not.toBe(page?.id);
    // the object itself is live; the index order is not
    expect(now.find((r) => r.id === page?.id)?.last_edited_time).not.toBe(before);
    await new Promise((r) => setTimeout(r, 700)); // 70 emulated seconds
    now = await find();
    expect(
      now
        .map((r) => r.id)
        .slice(0, 2)
        .sort(),
    ).toEqual([newId, page?.id].sort());
  });

  it('expires cursors after N results', async () => {
    const e = await start({ faults: { searchCursorTtlResults: 20 } });
    const body = { page_size: 10 };
    const first = await call(e, '/v1/search', { body });
    const second = await call(e, '/v1/search', { body: { ...body, start_cursor: first.json.next_cursor } });
    expect(second.status).toBe(200);
    const third = await call(e, '/v1/search', { body: { ...body, start_cursor: second.json.next_cursor } });
    expect(third.status).toBe(400);
    expect(third.json.message).toBe(`The start_cursor provided is invalid: ${second.json.next_cursor}`);
  });

  it('expires cursors N emulated seconds after the listing started', async () => {
    const e = await start({ timeScale: 100, faults: { searchCursorTtlSeconds: 30 } });
    const first = await call(e, '/v1/search', { body: { page_size: 5 } });
    expect(
      (await call(e, '/v1/search', { body: { page_size: 5, start_cursor: first.json.next_cursor } })).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 400)); // 40 emulated seconds
    const late = await call(e, '/v1/search', {
      body: { page_size: 5, start_cursor: first.json.next_cursor },
    });
    expect(late.status).toBe(400);
    expect(late.json.code).toBe('validation_error');
  });
});
