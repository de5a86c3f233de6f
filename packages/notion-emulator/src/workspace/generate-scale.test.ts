import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { call, listAll, results } from '../test-support.js';
import type { PageRecord } from './model.js';
import { Workspace } from './workspace.js';

const NOW = Date.UTC(2026, 5, 15, 12, 30);

/** The workspace-level page a page's ancestry ends at. */
function rootOf(ws: Workspace, page: PageRecord): PageRecord {
  let at = page;
  while (at.parent.type === 'page') at = ws.pages[at.parent.pageIdx] as PageRecord;
  return at;
}

describe('generator knobs for large, realistic workspaces', () => {
  let emu: Emulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  it('standaloneRoots: every standalone page leads to one of N workspace-level roots, nested deep', () => {
    const ws = new Workspace({ seed: 2, size: 'small', standaloneRoots: 5, now: NOW });
    const standalone = ws.pages.filter((p) => p.shared && p.parent.type !== 'data_source');
    const roots = new Set(standalone.map((p) => rootOf(ws, p).idx));
    expect(roots.size).toBe(5);
    for (const idx of roots) expect(ws.pages[idx]?.parent.type).toBe('workspace');
    const depth = (p: PageRecord): number =>
      p.parent.type === 'page' ? 1 + depth(ws.pages[p.parent.pageIdx] as PageRecord) : 0;
    expect(Math.max(...standalone.map(depth))).toBeGreaterThanOrEqual(5);
    // without the knob the generator keeps its own mix (about a quarter at the top level)
    const natural = new Workspace({ seed: 2, size: 'small', now: NOW });
    expect(natural.pages.filter((p) => p.shared && p.parent.type === 'workspace').length).toBeGreaterThan(20);
  });

  it('no generated object is created or edited after the workspace now (a database under a late page included)', () => {
    const ws = new Workspace({
      seed: 21,
      pages: 800,
      standaloneShare: 0.42,
      standaloneRoots: 5,
      hiddenDataSources: 2,
      dataSources: 12,
      now: NOW,
    });
    const records = [...ws.pages, ...ws.databases, ...ws.dataSources];
    const late = records.filter((r) => r.created > NOW || r.edited > NOW);
    expect(late.map((r) => r.id)).toEqual([]);
  });

  it('hiddenDataSources: hidden from search, reachable through a child_database block or their database', async () => {
    emu = await startEmulator({
      rpm: null,
      limits: false,
      workspace: { seed: 5, size: 'small', hiddenDataSources: 4, now: NOW },
    });
    const e = emu;
    const hidden = e.workspace.dataSources.filter((d) => d.hiddenFromSearch);
    expect(hidden).toHaveLength(4);
    expect(hidden.map((d) => d.idx).every((k) => k >= 3)).toBe(true);
    const searched = results(
      await listAll(e, '/v1/search', { body: { filter: { property: 'object', value: 'data_source' } } }),
    ).map((r) => r.id);
    const truth = e.groundTruth();
    for (const ds of hidden) {
      expect(searched).not.toContain(ds.id);
      expect(truth.data_sources.map((d) => d.id)).toContain(ds.id);
      const db = e.workspace.databases[ds.databaseIdx];
      const viaDatabase = await call(e, `/v1/databases/${db?.id}`);
      expect((viaDatabase.json.data_sources as { id: string }[]).map((d) => d.id)).toContain(ds.id);
      if (db?.parent.type === 'page') {
        const parent = e.workspace.pages[db.parent.pageIdx];
        const blocks = results(await listAll(e, `/v1/blocks/${parent?.id}/children`));
        expect(blocks.some((b) => b.type === 'child_database' && b.id === db.id)).toBe(true);
      } else {
        const siblings = db?.dataSourceIdxs.filter((k) => k !== ds.idx) ?? [];
        const ids = siblings.map((k) => e.workspace.dataSources[k]?.id);
        expect(ids.some((id) => searched.includes(id))).toBe(true);
      }
    }
  });

  it('childPagesInBlocks: child_page blocks inside toggles and columns, the page’s parent that block', async () => {
    emu = await startEmulator({
      rpm: null,
      limits: false,
      workspace: { seed: 3, size: 'tiny', childPagesInBlocks: 1, now: NOW },
    });
    const e = emu;
    const children = e.workspace.pages.filter(
      (p) => p.parent.type === 'page' && e.workspace.pageAccessible(p.idx),
    );
    expect(children.length).toBeGreaterThan(2);
    const holderTypes = new Set<string>();
    const truth = new Map(e.groundTruth().pages.map((p) => [p.id, p]));
    for (const child of children) {
      const page = await call(e, `/v1/pages/${child.id}`);
      const parent = page.json.parent as { type: string; block_id: string };
      expect(parent.type).toBe('block_id');
      expect(truth.get(child.id)?.parent).toEqual(parent);
      const holder = await call(e, `/v1/blocks/${parent.block_id}`);
      holderTypes.add(holder.json.type as string);
      expect(holder.json.has_children).toBe(true);
      const listed = results(await listAll(e, `/v1/blocks/${parent.block_id}/children`));
      expect(listed.some((b) => b.type === 'child_page' && b.id === child.id)).toBe(true);
      const parentPageId = e.workspace.pages[(child.parent as { pageIdx: number }).pageIdx]?.id;
      let up = holder.json.parent as { type: string; page_id?: string; block_id?: string };
      while (up.type === 'block_id')
        up = (await call(e, `/v1/blocks/${up.block_id}`)).json.parent as typeof up;
      expect(up).toEqual({ type: 'page_id', page_id: parentPageId });
    }
    expect([...holderTypes].sort()).toEqual(['column', 'toggle']);
    // off by default: child pages are top-level blocks, their parent the page
    const plain = new Workspace({ seed: 3, size: 'tiny', now: NOW });
    const one = plain.pages.find((p) => p.parent.type === 'page');
    if (one?.parent.type !== 'page') throw new Error('no child page');
    expect(plain.content(one.parent.pageIdx).roots).toContain(one.id);
  });

  it('a 50,000-page workspace: 20,000+ standalone pages under 100 roots, 30,000+ rows in 20+ data sources', async () => {
    const started = performance.now();
    emu = await startEmulator({
      rpm: null,
      workspace: {
        seed: 1,
        pages: 52_000,
        standaloneShare: 0.41,
        standaloneRoots: 100,
        dataSources: 24,
        hiddenDataSources: 4,
        blocksPerPage: 3,
      },
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    const ws = emu.workspace;
    const shared = ws.pages.filter((p) => ws.pageAccessible(p.idx));
    const standalone = shared.filter((p) => p.parent.type !== 'data_source');
    expect(shared.length).toBeGreaterThanOrEqual(50_000);
    expect(standalone.length).toBeGreaterThanOrEqual(20_000);
    expect(shared.length - standalone.length).toBeGreaterThanOrEqual(30_000);
    expect(standalone.filter((p) => p.parent.type === 'workspace')).toHaveLength(100);
    expect(ws.dataSources.filter((d) => d.rowIdxs.length > 0).length).toBeGreaterThanOrEqual(20);
    expect(ws.dataSources.filter((d) => d.hiddenFromSearch)).toHaveLength(4);
    const search = await call(emu, '/v1/search', { body: { filter: { property: 'object', value: 'page' } } });
    expect((search.json.results as unknown[]).length).toBe(100);
    const query = await call(emu, `/v1/data_sources/${ws.dataSources[0]?.id}/query`, { body: {} });
    expect((query.json.results as unknown[]).length).toBe(100);
  }, 60_000);
});
