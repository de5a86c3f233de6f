import { startEmulator } from '@source-notion/notion-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, planChurn } from './churn.js';
import { currentShape, type EmulatorHost, handleCommand } from './emulator-commands.js';
import type { BlockShape, WorkspaceShape } from './workspace-shape.js';

function shapeOf(pages: number): WorkspaceShape {
  const ids = Array.from({ length: pages }, (_, i) => `p${i}`);
  const blocks: BlockShape[] = ids.map((id) => ({
    id: `${id}-b`,
    type: 'paragraph',
    hasChildren: false,
    parentId: id,
    pageId: id,
    syncedReference: false,
  }));
  return {
    users: [],
    databases: [],
    dataSources: ['ds'],
    pages: ids,
    blocks,
    comments: [],
    rowDataSources: Object.fromEntries(ids.filter((_, i) => i % 2 === 1).map((id) => [id, 'ds'])),
  };
}

describe('planChurn', () => {
  it('changes the fraction of pages each day, spread evenly, each page once', () => {
    const changes = planChurn(shapeOf(1_000), { fraction: 0.01, days: 2, seed: 3 });
    expect(changes).toHaveLength(20);
    expect(new Set(changes.map((c) => c.change.pageId)).size).toBe(20);
    const firstDay = changes.filter((c) => c.atMs < DAY_MS);
    expect(firstDay).toHaveLength(10);
    // Evenly spread: one change every 2.4 hours, the first 1.2 hours in.
    expect(firstDay.map((c) => c.atMs)).toEqual(
      Array.from({ length: 10 }, (_, i) => Math.floor(((i + 0.5) / 10) * DAY_MS)),
    );
    expect(changes.every((c) => c.atMs < 2 * DAY_MS)).toBe(true);
  });

  it('mixes edits, new pages and trashed pages, and adds rows to a row’s data source', () => {
    const changes = planChurn(shapeOf(1_000), { fraction: 0.01, days: 1, seed: 3 });
    const ops = changes.map((c) => c.change.op);
    expect(ops.filter((op) => op === 'editPage')).toHaveLength(4);
    expect(ops.filter((op) => op === 'editBlock')).toHaveLength(2);
    expect(ops.filter((op) => op === 'appendBlocks')).toHaveLength(1);
    expect(ops.filter((op) => op === 'deleteBlock')).toHaveLength(1);
    expect(ops.filter((op) => op === 'trashPage')).toHaveLength(1);
    const add = changes.find((c) => c.change.op === 'addPage')?.change;
    expect(add?.op).toBe('addPage');
    if (add?.op === 'addPage') {
      const isRow = Number(add.pageId.slice(1)) % 2 === 1;
      expect(add.parentId).toBe(isRow ? 'ds' : add.pageId);
    }
  });
});

describe('the emulator host', () => {
  let host: EmulatorHost | undefined;
  afterEach(async () => {
    host?.churn?.stop();
    await host?.emulator.close();
    host = undefined;
  });

  it('makes the churn on the emulated clock and serves the same workspace after a rescale', async () => {
    const options = { workspace: { size: 'tiny' as const, seed: 5 }, seed: 5, rpm: null, timeScale: 100_000 };
    host = { emulator: await startEmulator(options), options };
    const before = currentShape(host.emulator);
    // 17% of 60 pages a day: 10 changes, the last 0.95 emulated days in (~0.8 real s at ×100,000).
    const started = await handleCommand(host, {
      id: 1,
      cmd: 'churn',
      plan: { fraction: 0.17, days: 1, seed: 1 },
    });
    expect(started).toMatchObject({ churn: { planned: 10, applied: 0 } });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const status = await handleCommand(host, { id: 2, cmd: 'churnStatus', stop: true });
    expect(status).toMatchObject({ churn: { planned: 10, applied: 10, failed: 0 } });

    const at = host.emulator.now();
    const reply = await handleCommand(host, { id: 3, cmd: 'rescale', timeScale: 1 });
    expect(reply).toMatchObject({ url: host.emulator.url });
    // The new clock starts where the old one stood and runs at the new scale.
    const first = host.emulator.now();
    expect(first).toBeGreaterThanOrEqual(at);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(host.emulator.now() - first).toBeLessThan(1_000);
    const after = currentShape(host.emulator);
    // 1 new page, 1 trashed page (still in the truth, in the trash): 61 pages.
    expect(after.pages.length).toBe(before.pages.length + 1);
  });

  it('probes search with the shape: every page when search is not capped', async () => {
    const options = {
      workspace: { size: 'tiny' as const, seed: 5 },
      seed: 5,
      rpm: 3,
      limits: false as const,
    };
    host = { emulator: await startEmulator(options), options };
    const reply = await handleCommand(host, { id: 1, cmd: 'shape', probeSearch: true });
    if (!('shape' in reply)) throw new Error('no shape');
    const { shape } = reply;
    expect(shape.search?.capped).toBe(false);
    expect(new Set(shape.search?.descending)).toEqual(new Set(shape.pages));
    expect(new Set(shape.search?.dataSources)).toEqual(new Set(shape.dataSources));
    // The emulator's own budget (3/min) was not spent by the probe, and its clock is its own again.
    expect(host.emulator.requests()).toHaveLength(0);
    expect(Math.abs(host.emulator.workspace.now() - host.emulator.now())).toBeLessThan(1_000);
  });

  it('probes search past a cap: newest first to the cap, then oldest first', async () => {
    // The search cursor fault stands in for the position cap: a cursor is rejected after 200 results.
    const options = {
      workspace: { size: 'small' as const, seed: 5, blocksPerPage: 1 },
      seed: 5,
      limits: false as const,
      faults: { searchCursorTtlResults: 200 },
    };
    host = { emulator: await startEmulator(options), options };
    const reply = await handleCommand(host, { id: 1, cmd: 'shape', probeSearch: true });
    if (!('shape' in reply)) throw new Error('no shape');
    const search = reply.shape.search;
    expect(search?.capped).toBe(true);
    expect(search?.descending).toHaveLength(200);
    expect(search?.ascending).toHaveLength(200);
    const both = new Set([...(search?.descending ?? []), ...(search?.ascending ?? [])]);
    expect(both.size).toBe((search?.descending.length ?? 0) + (search?.ascending.length ?? 0));
    expect(both.size).toBeLessThan(reply.shape.pages.length);
  });
});
