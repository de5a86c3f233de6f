import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import type { GroundTruthBlock } from '../ground-truth.js';
import { call, listAll, results } from '../test-support.js';

describe('blocks', () => {
  let emu: Emulator;
  let blocks: GroundTruthBlock[];
  beforeAll(async () => {
    emu = await startEmulator({ rpm: null, workspace: { seed: 9, size: 'tiny' } });
    blocks = emu.groundTruth().blocks;
  });
  afterAll(() => emu.close());

  it('rejects the children of unsupported blocks that claim some', async () => {
    const unsupported = blocks.find((b) => b.type === 'unsupported' && b.has_children);
    expect(unsupported).toBeDefined();
    const r = await call(emu, `/v1/blocks/${unsupported?.id}/children`);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      code: 'validation_error',
      message: 'Block type unsupported is not supported via the API.',
    });
  });

  it("serves a synced reference the original's children, and 404 when the original is unshared", async () => {
    const refs = blocks.filter((b) => b.type === 'synced_block' && b.synced_block.synced_from !== null);
    const known = new Map(blocks.map((b) => [b.id, b]));
    const visible = refs.find(
      (b) => b.type === 'synced_block' && known.has(b.synced_block.synced_from?.block_id ?? ''),
    );
    const hidden = refs.find(
      (b) => b.type === 'synced_block' && !known.has(b.synced_block.synced_from?.block_id ?? ''),
    );
    const originalId =
      visible?.type === 'synced_block' ? visible.synced_block.synced_from?.block_id : undefined;
    const viaRef = results(await listAll(emu, `/v1/blocks/${visible?.id}/children`)).map((b) => b.id);
    const viaOriginal = results(await listAll(emu, `/v1/blocks/${originalId}/children`)).map((b) => b.id);
    expect(viaRef.length).toBeGreaterThan(0);
    expect(viaRef).toEqual(viaOriginal);
    expect(hidden?.has_children).toBe(true);
    const r = await call(emu, `/v1/blocks/${hidden?.id}/children`);
    expect(r.status).toBe(404);
    expect(r.json.code).toBe('object_not_found');
  });

  it('retrieves blocks, child pages and child databases by id', async () => {
    const para = blocks.find((b) => b.type === 'paragraph');
    const r = await call(emu, `/v1/blocks/${para?.id}`);
    expect(r.json).toMatchObject({ object: 'block', id: para?.id, type: 'paragraph' });
    const childPage = blocks.find((b) => b.type === 'child_page');
    expect(emu.workspace.pageById(childPage?.id ?? '')).toBeDefined();
    expect((await call(emu, `/v1/blocks/${childPage?.id}`)).json).toMatchObject({
      type: 'child_page',
      has_children: true,
    });
    const childDb = blocks.find((b) => b.type === 'child_database' && emu.workspace.databaseById(b.id));
    expect((await call(emu, `/v1/blocks/${childDb?.id}`)).json).toMatchObject({ type: 'child_database' });
    expect((await call(emu, `/v1/databases/${childDb?.id}`)).json).toMatchObject({ object: 'database' });
  });

  it('lists a 40-deep chain one level at a time', async () => {
    let deepest = blocks.reduce((a, b) => (b.depth > a.depth ? b : a));
    const chain: string[] = [];
    while (deepest) {
      chain.unshift(deepest.id);
      const parentId = deepest.parent.type === 'block_id' ? deepest.parent.block_id : undefined;
      deepest = blocks.find((b) => b.id === parentId) as GroundTruthBlock;
    }
    expect(chain).toHaveLength(40);
    for (let i = 0; i < chain.length - 1; i++) {
      const r = await call(emu, `/v1/blocks/${chain[i]}/children`);
      expect((r.json.results as { id: string }[]).map((b) => b.id)).toContain(chain[i + 1]);
    }
  });
});
