import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../emulator.js';
import { call, listAll, results } from '../test-support.js';

// A fixed generation time, so search's seeded omissions are the same on every run.
const NOW = Date.UTC(2026, 5, 15, 12, 30);
let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});
async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator({ rpm: null, workspace: { seed: 6, size: 'tiny', now: NOW }, ...options });
  return emu;
}
type Props = Record<string, Record<string, unknown>>;
const props = (r: Record<string, unknown> | undefined) => (r?.properties ?? {}) as Props;

/** The Projects row whose "Tasks" relation holds more than 25 references. */
function bigRow(e: Emulator) {
  const projects = e.workspace.dataSources[0];
  const row = e
    .groundTruth()
    .pages.find(
      (p) =>
        p.parent.type === 'data_source_id' &&
        p.parent.data_source_id === projects?.id &&
        (p.properties.Tasks as { relation: unknown[] }).relation.length > 25,
    );
  if (!row || !projects) throw new Error('no row with a big relation');
  const def = (name: string) => projects.properties.find((d) => d.name === name)?.id ?? '';
  return { row, projects, rollupId: def('Task count'), formulaId: def('Task total') };
}

describe('rollups and formulas over a relation with more than 25 references', () => {
  it('page and list responses compute them from the first 25; the property item endpoint and the ground truth are exact', async () => {
    const e = await start();
    const { row, projects, rollupId, formulaId } = bigRow(e);
    const exact = (row.properties.Tasks as { relation: unknown[] }).relation.length;
    expect(exact).toBe(40);
    expect(row.properties['Task count']).toMatchObject({ rollup: { type: 'number', number: exact } });
    expect(row.properties['Task total']).toMatchObject({ formula: { type: 'number', number: exact } });

    const page = await call(e, `/v1/pages/${row.id}`);
    expect(props(page.json)['Task count']).toMatchObject({ rollup: { number: 25, function: 'count' } });
    expect(props(page.json)['Task total']).toMatchObject({ formula: { type: 'number', number: 25 } });
    expect(props(page.json).Tasks).toMatchObject({ has_more: true });
    const queried = results(await listAll(e, `/v1/data_sources/${projects.id}/query`, { body: {} })).find(
      (r) => r.id === row.id,
    );
    expect(props(queried)['Task count']).toMatchObject({ rollup: { number: 25 } });
    expect(props(queried)['Task total']).toMatchObject({ formula: { number: 25 } });

    const rollup = await call(e, `/v1/pages/${row.id}/properties/${rollupId}`);
    expect(rollup.json).toMatchObject({
      object: 'list',
      type: 'property_item',
      has_more: false,
      property_item: {
        id: rollupId,
        type: 'rollup',
        rollup: { type: 'number', number: exact, function: 'count' },
      },
    });
    const formula = await call(e, `/v1/pages/${row.id}/properties/${formulaId}`);
    expect(formula.json).toEqual({
      object: 'property_item',
      id: formulaId,
      type: 'formula',
      formula: { type: 'number', number: exact },
      request_id: formula.json.request_id,
    });
  });

  it('search results are truncated the same way', async () => {
    const e = await start({ limits: { searchOmitPageRate: 0 } });
    const { row } = bigRow(e);
    const found = results(
      await listAll(e, '/v1/search', { body: { filter: { property: 'object', value: 'page' } } }),
    ).find((r) => r.id === row.id);
    expect(props(found)['Task count']).toMatchObject({ rollup: { number: 25 } });
    expect(props(found)['Task total']).toMatchObject({ formula: { number: 25 } });
  });

  it('are exact everywhere with computedReferenceLimit null', async () => {
    const e = await start({ limits: { computedReferenceLimit: null } });
    const { row } = bigRow(e);
    const page = await call(e, `/v1/pages/${row.id}`);
    expect(props(page.json)['Task count']).toMatchObject({ rollup: { number: 40 } });
    expect(props(page.json)['Task total']).toMatchObject({ formula: { number: 40 } });
  });

  it('every preset holds such a row (tiny to large generate it)', async () => {
    const e = await start({ workspace: { seed: 9, size: 'small', now: NOW } });
    expect(bigRow(e).row).toBeDefined();
  });
});

describe('Notion-Version 2026-12-01', () => {
  const V = '2026-12-01';

  it('search and query return only the title property unless filter_properties is sent', async () => {
    const e = await start();
    const { projects, rollupId } = bigRow(e);
    const path = `/v1/data_sources/${projects.id}/query`;
    const titleOnly = results(await listAll(e, path, { body: {}, version: V }));
    expect(titleOnly.length).toBeGreaterThan(0);
    for (const r of titleOnly) {
      expect(Object.keys(props(r))).toEqual(['Name']);
      expect(r).not.toHaveProperty('archived');
      expect(r).toHaveProperty('in_trash');
    }
    const wanted = `filter_properties=title&filter_properties=${encodeURIComponent(rollupId)}`;
    const chosen = results(await listAll(e, `${path}?${wanted}`, { body: {}, version: V }));
    for (const r of chosen) expect(Object.keys(props(r)).sort()).toEqual(['Name', 'Task count']);
    const older = results(await listAll(e, path, { body: {}, version: '2026-03-11' }));
    expect(Object.keys(props(older[0])).length).toBe(projects.properties.length);

    const searched = results(
      await listAll(e, '/v1/search', { body: { filter: { property: 'object', value: 'page' } }, version: V }),
    );
    for (const r of searched) expect(Object.values(props(r)).map((v) => v.type)).toEqual(['title']);
    const searchedWith = results(
      await listAll(e, `/v1/search?${wanted}`, {
        body: { filter: { property: 'object', value: 'page' } },
        version: V,
      }),
    );
    const rows = searchedWith.filter(
      (r) => (r.parent as Record<string, unknown>).data_source_id === projects.id,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(Object.keys(props(r)).sort()).toEqual(['Name', 'Task count']);
    // GET page still returns every property
    const page = await call(e, `/v1/pages/${titleOnly[0]?.id}`, { version: V });
    expect(Object.keys(props(page.json)).length).toBe(projects.properties.length);
  });

  it('filter_properties narrows search on earlier versions too', async () => {
    const e = await start();
    const { projects } = bigRow(e);
    const all = results(
      await listAll(e, '/v1/search?filter_properties=title', {
        body: { filter: { property: 'object', value: 'page' } },
      }),
    );
    const row = all.find((r) => (r.parent as Record<string, unknown>).data_source_id === projects.id);
    expect(Object.keys(props(row))).toEqual(['Name']);
  });

  it('a person without a name of their own has name null on 2026-12-01 only', async () => {
    const e = await start();
    const newest = results(await listAll(e, '/v1/users', { version: V }));
    const nameless = newest.filter((u) => u.type === 'person' && u.name === null);
    expect(nameless).toHaveLength(1);
    const id = nameless[0]?.id as string;
    expect((await call(e, `/v1/users/${id}`, { version: V })).json.name).toBeNull();
    const before = await call(e, `/v1/users/${id}`, { version: '2026-03-11' });
    expect(typeof before.json.name).toBe('string');
    const truth = e.groundTruth().users.find((u) => u.id === id);
    expect(truth?.name).toBe(before.json.name);
    expect(newest.filter((u) => u.name === null)).toHaveLength(1);
  });
});
