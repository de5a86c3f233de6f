import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { call, listAll, results } from '../test-support.js';

describe('Notion-Version differences', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ rpm: null, workspace: { seed: 4, size: 'tiny' } });
  });
  afterAll(() => emu.close());

  it('2025-09-03 has archived and transcription; 2026-03-11 has neither (meeting_notes instead)', async () => {
    const home = emu.groundTruth().pages[0];
    const old = results(await listAll(emu, `/v1/blocks/${home?.id}/children`, { version: '2025-09-03' }));
    const recent = results(await listAll(emu, `/v1/blocks/${home?.id}/children`, { version: '2026-03-11' }));
    expect(old.every((b) => typeof b.archived === 'boolean' && typeof b.in_trash === 'boolean')).toBe(true);
    expect(recent.every((b) => !('archived' in b) && typeof b.in_trash === 'boolean')).toBe(true);
    expect(old.filter((b) => b.type === 'transcription')).toHaveLength(1);
    expect(recent.filter((b) => b.type === 'transcription')).toHaveLength(0);
    const notes = recent.find((b) => b.type === 'meeting_notes');
    expect(notes?.meeting_notes).toMatchObject({ status: 'notes_ready' });
    expect(notes && 'transcription' in notes).toBe(false);
  });

  it('drops archived from pages, databases and data sources on 2026-03-11', async () => {
    const truth = emu.groundTruth();
    for (const path of [
      `/v1/pages/${truth.pages[0]?.id}`,
      `/v1/databases/${truth.databases[0]?.id}`,
      `/v1/data_sources/${truth.data_sources[0]?.id}`,
    ]) {
      expect((await call(emu, path)).json).toHaveProperty('archived', false);
      const r = await call(emu, path, { version: '2026-03-11' });
      expect(r.json).not.toHaveProperty('archived');
      expect(r.json).toHaveProperty('in_trash', false);
    }
    const search = await call(emu, '/v1/search', { body: { page_size: 5 }, version: '2026-03-11' });
    expect((search.json.results as object[]).every((o) => !('archived' in o))).toBe(true);
  });
});
