import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { call } from '../test-support.js';

describe('pages and property items', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ rpm: null, workspace: { seed: 8, size: 'tiny' } });
  });
  afterAll(() => emu.close());

  const bigPage = () => {
    const truth = emu.groundTruth();
    const page = truth.pages.find((p) =>
      Object.values(p.properties).some((v) => v.type === 'relation' && v.relation.length === 40),
    );
    if (!page) throw new Error('no page with 40 relation targets');
    return page;
  };

  it('caps relation and rich_text values at 25 references, with has_more on relations', async () => {
    const page = bigPage();
    const r = await call(emu, `/v1/pages/${page.id}`);
    const props = r.json.properties as Record<string, Record<string, unknown>>;
    const relation = Object.values(props).find((v) => v.type === 'relation');
    expect(relation?.relation).toHaveLength(25);
    expect(relation?.has_more).toBe(true);
    const rich = Object.values(props).find((v) => v.type === 'rich_text');
    expect(rich?.rich_text).toHaveLength(25);
    const truthRelation = Object.values(page.properties).find((v) => v.type === 'relation');
    expect(truthRelation).toMatchObject({ has_more: false });
  });

  it('gives the complete values through the property item endpoint, paginated with next_url', async () => {
    const page = bigPage();
    const [name, value] = Object.entries(page.properties).find(([, v]) => v.type === 'relation') ?? [];
    expect(name).toBeDefined();
    const propertyId = value?.id ?? '';
    const ids: string[] = [];
    let path = `/v1/pages/${page.id}/properties/${encodeURIComponent(propertyId)}?page_size=15`;
    let calls = 0;
    for (;;) {
      const r = await call(emu, path);
      calls++;
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({
        object: 'list',
        type: 'property_item',
        property_item: { id: propertyId, type: 'relation' },
      });
      for (const item of r.json.results as { object: string; relation: { id: string } }[]) {
        expect(item.object).toBe('property_item');
        ids.push(item.relation.id);
      }
      const nextUrl = (r.json.property_item as { next_url: string | null }).next_url;
      expect(nextUrl === null).toBe(!r.json.has_more);
      if (!r.json.has_more) break;
      expect(nextUrl?.startsWith(emu.url)).toBe(true);
      path = `${nextUrl?.slice(emu.url.length)}&page_size=15`;
    }
    expect(calls).toBe(3);
    expect(ids).toEqual(value?.type === 'relation' ? value.relation.map((x) => x.id) : []);
  });

  it('accepts percent-encoded and decoded property ids, and answers single values as one property_item', async () => {
    const page = bigPage();
    const numberProp = Object.values(page.properties).find((v) => v.type === 'number');
    const r = await call(emu, `/v1/pages/${page.id}/properties/${encodeURIComponent(numberProp?.id ?? '')}`);
    expect(r.json).toMatchObject({ object: 'property_item', type: 'number' });
    const encoded = Object.values(page.properties).find((v) => v.id.includes('%'));
    if (encoded) {
      const raw = await call(emu, `/v1/pages/${page.id}/properties/${encoded.id}`);
      expect(raw.status).toBe(200);
    }
    expect((await call(emu, `/v1/pages/${page.id}/properties/nope`)).status).toBe(404);
  });

  it('answers 404 for purged and unshared pages (and their children), 200 in_trash for trashed', async () => {
    const ws = emu.workspace;
    const nested = ws.pages.find((p) => p.parent.type === 'page' && p.childPageIdxs.length > 0);
    expect(nested).toBeDefined();
    const child = ws.pages[nested?.childPageIdxs[0] ?? -1];
    ws.unsharePage(nested?.id ?? '');
    expect((await call(emu, `/v1/pages/${nested?.id}`)).status).toBe(404);
    expect((await call(emu, `/v1/pages/${child?.id}`)).status).toBe(404);
    expect((await call(emu, `/v1/blocks/${child?.id}/children`)).status).toBe(404);
    ws.sharePage(nested?.id ?? '');
    expect((await call(emu, `/v1/pages/${child?.id}`)).status).toBe(200);
    ws.trashPage(child?.id ?? '');
    const trashed = await call(emu, `/v1/pages/${child?.id}`);
    expect(trashed.json.in_trash).toBe(true);
    ws.purgePage(child?.id ?? '');
    expect((await call(emu, `/v1/pages/${child?.id}`)).status).toBe(404);
  });
});
