import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { call, listAll, results } from '../test-support.js';
import { HOUR_MS, MINUTE_MS } from '../time.js';

const NOW = Date.UTC(2025, 0, 10, 9, 0);
const START = NOW + 2 * HOUR_MS + 17_345;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});
async function start(): Promise<Emulator> {
  emu = await startEmulator({ rpm: null, startTime: START, workspace: { seed: 6, size: 'tiny', now: NOW } });
  return emu;
}

type Row = { id: string; last_edited_time: string; properties: Record<string, { id: string; type: string }> };

async function rowsOf(e: Emulator, dataSourceId: string): Promise<Row[]> {
  return results(
    await listAll(e, `/v1/data_sources/${dataSourceId}/query`, { body: {} }),
  ) as unknown as Row[];
}

describe('schema mutations', () => {
  it('add, rename and retype a property: the data source is edited, every row shows the new schema, no row is edited', async () => {
    const e = await start();
    const ds = e.workspace.data.dataSources[0]!;
    const before = await rowsOf(e, ds.id);
    const added = e.workspace.addProperty(ds.id, 'verification', 'Checked');
    e.workspace.addProperty(ds.id, 'place', 'Office');
    e.workspace.addProperty(ds.id, 'button', 'Go');
    e.workspace.renameProperty(ds.id, 'Budget', 'Budget (EUR)');
    e.workspace.retypeProperty(ds.id, 'Stage', 'number');

    const source = await call(e, `/v1/data_sources/${ds.id}`);
    expect(source.json.last_edited_time).toBe(
      new Date(Math.floor(START / MINUTE_MS) * MINUTE_MS).toISOString(),
    );
    const properties = source.json.properties as Record<string, { id: string; type: string }>;
    expect(properties.Checked).toMatchObject({ id: added, type: 'verification' });
    expect(properties.Office?.type).toBe('place');
    expect(properties.Go?.type).toBe('button');
    expect(properties.Budget).toBeUndefined();
    expect(properties['Budget (EUR)']?.type).toBe('number');
    expect(properties.Stage?.type).toBe('number');

    const after = await rowsOf(e, ds.id);
    expect(after.map((r) => [r.id, r.last_edited_time])).toEqual(
      before.map((r) => [r.id, r.last_edited_time]),
    );
    for (const row of after) {
      expect(row.properties.Checked?.type).toBe('verification');
      expect(row.properties.Office?.type).toBe('place');
      expect(row.properties.Go).toEqual({ id: expect.any(String), type: 'button', button: {} });
      expect(row.properties['Budget (EUR)']?.id).toBe(before[0]?.properties.Budget?.id);
      expect(row.properties.Stage?.type).toBe('number');
    }
    const item = await call(e, `/v1/pages/${after[0]?.id}/properties/${encodeURIComponent(added)}`);
    expect(item.json).toMatchObject({ object: 'property_item', type: 'verification' });
  });

  it('rejects what Notion would: a duplicate name, an unknown property, a relation without a target', async () => {
    const e = await start();
    const ds = e.workspace.data.dataSources[0]!;
    expect(() => e.workspace.addProperty(ds.id, 'number', 'Budget')).toThrow(/already has/);
    expect(() => e.workspace.renameProperty(ds.id, 'Nope', 'X')).toThrow(/no property/);
    expect(() => e.workspace.addProperty(ds.id, 'relation', 'Link')).toThrow(/cannot create/);
    expect(() => e.workspace.retypeProperty(ds.id, 'title', 'number')).toThrow(/title/);
    expect(() => e.workspace.addProperty(ds.id, 'title', 'Second title')).toThrow(/one title/);
  });
});
