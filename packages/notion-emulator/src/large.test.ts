import { describe, expect, it } from 'vitest';
import { startEmulator } from './emulator.js';
import { call } from './test-support.js';

describe('large preset (10k pages, 400k blocks)', () => {
  it('starts in seconds and serves within a few hundred MB', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const emu = await startEmulator({ rpm: null, workspace: { size: 'large', seed: 1 } });
    const startMs = performance.now() - started;
    try {
      expect(startMs).toBeLessThan(5_000);
      expect(emu.workspace.pages.filter((p) => emu.workspace.pageAccessible(p.idx))).toHaveLength(10_000);
      const search = await call(emu, '/v1/search', {
        body: { filter: { property: 'object', value: 'page' } },
      });
      expect((search.json.results as unknown[]).length).toBe(100);
      for (const page of (search.json.results as { id: string }[]).slice(0, 50)) {
        expect((await call(emu, `/v1/blocks/${page.id}/children`)).status).toBe(200);
      }
      const summary = emu.groundTruthSummary();
      expect(summary.pages).toBe(10_000);
      expect(summary.blocks).toBeGreaterThan(380_000);
      expect(summary.blocks).toBeLessThan(420_000);
      const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
      expect(heapMb).toBeLessThan(300);
    } finally {
      await emu.close();
    }
  }, 60_000);
});
