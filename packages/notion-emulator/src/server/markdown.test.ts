import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { call } from '../test-support.js';

const V2 = 'markdown_version=v2';

describe('GET /v1/pages/{id}/markdown', () => {
  let emu: Emulator;
  let limited: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ rpm: null, workspace: { seed: 9, size: 'tiny' } });
    limited = await startEmulator({
      rpm: null,
      workspace: { seed: 9, size: 'tiny' },
      limits: { markdownRecordLimit: 5 },
    });
  });
  afterAll(async () => {
    await emu.close();
    await limited.close();
  });

  it("renders a page as the ground truth's Markdown, counted in the request log", async () => {
    const truth = emu.groundTruth();
    const page = truth.page_markdown.find((p) => p.markdown.includes('\n\n'));
    expect(page).toBeDefined();
    const before = emu.counters().byRoute['pages.markdown'] ?? 0;
    const r = await call(emu, `/v1/pages/${page?.id}/markdown?${V2}`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      object: 'page_markdown',
      id: page?.id,
      truncated: false,
      unknown_block_ids: [],
    });
    const strip = (s: string) =>
      s.replace(/X-Amz-Date=\d+T\d+Z(&amp;|&)X-Amz-Expires=3600(&amp;|&)X-Amz-Signature=[0-9a-f]+/g, '');
    expect(strip(r.json.markdown as string)).toBe(strip(page?.markdown ?? ''));
    expect(emu.counters().byRoute['pages.markdown']).toBe(before + 1);
  });

  it('follows the published syntax: headings, lists, to-dos, toggles, code, callouts, tables, child pages', () => {
    const all = emu
      .groundTruth()
      .page_markdown.map((p) => p.markdown)
      .join('\n\n');
    expect(all).toMatch(/^# \S/m);
    expect(all).toMatch(/^- \S/m);
    expect(all).toMatch(/^1\. /m);
    expect(all).toMatch(/^- \[[ x]\] /m);
    expect(all).toMatch(/^<toggle>$/m);
    expect(all).toMatch(/^```\w+\n/m);
    expect(all).toMatch(/^<callout icon="💡" color="gray_bg">$/m);
    expect(all).toMatch(/^<table header-row="true">\n<tr>\n<td>/m);
    expect(all).toMatch(/^\$\$\n.+\n\$\$$/m);
    expect(all).toMatch(/^<page url="https:\/\/www\.notion\.so\/[^"]+">[^<]+<\/page>$/m);
    expect(all).toMatch(
      /<unknown url="https:\/\/www\.notion\.so\/[0-9a-f]{32}#[0-9a-f]{32}" alt="bookmark"\/>/,
    );
  });

  it('truncates past the record limit and serves each unknown block as its subtree', async () => {
    const truth = limited.groundTruth();
    const big = truth.page_markdown.find((p) => truth.blocks.filter((b) => b.page_id === p.id).length > 20);
    const r = await call(limited, `/v1/pages/${big?.id}/markdown?${V2}`);
    expect(r.json.truncated).toBe(true);
    const unknown = r.json.unknown_block_ids as string[];
    expect(unknown.length).toBeGreaterThan(0);
    const first = unknown[0] ?? '';
    const placeholder = new RegExp(`<unknown url="[^"]*#${first.replace(/-/g, '')}" alt="\\w+"/>`);
    expect(r.json.markdown as string).toMatch(placeholder);
    const sub = await call(limited, `/v1/pages/${first}/markdown?${V2}`);
    expect(sub.status).toBe(200);
    expect(sub.json).toMatchObject({ object: 'page_markdown', id: first });
    expect(sub.json.markdown as string).not.toMatch(placeholder);
    expect((sub.json.markdown as string).length).toBeGreaterThan(0);
  });

  it('asks for v2 explicitly before 2026-12-01, rejects v1 on it, and 404s what is not shared', async () => {
    const id = emu.groundTruth().page_markdown[0]?.id;
    expect((await call(emu, `/v1/pages/${id}/markdown`)).status).toBe(400);
    expect((await call(emu, `/v1/pages/${id}/markdown`, { version: '2026-12-01' })).status).toBe(200);
    const v1 = await call(emu, `/v1/pages/${id}/markdown?markdown_version=v1`, { version: '2026-12-01' });
    expect(v1.json.code).toBe('validation_error');
    const missing = await call(emu, `/v1/pages/00000000-0000-4000-8000-000000000000/markdown?${V2}`);
    expect(missing.status).toBe(404);
  });

  it('adds meeting-note transcripts only with include_transcript=true', async () => {
    const page = emu.groundTruth().page_markdown.find((p) => p.markdown.includes('<meeting-notes'));
    expect(page?.markdown).not.toContain('<transcript>');
    const r = await call(emu, `/v1/pages/${page?.id}/markdown?${V2}&include_transcript=true`);
    expect(r.json.markdown as string).toContain('<transcript>');
  });
});
