import { describe, expect, it } from 'vitest';
import { buildGroundTruth } from '../ground-truth.js';
import { DAY_MS, MINUTE_MS } from '../time.js';
import { Workspace } from './workspace.js';

const NOW = Date.UTC(2025, 5, 15, 12, 30);

describe('workspace generator (tiny)', () => {
  const ws = new Workspace({ seed: 3, size: 'tiny', now: NOW });
  const truth = buildGroundTruth(ws, NOW);

  it('is deterministic for a seed and differs across seeds', () => {
    const again = buildGroundTruth(new Workspace({ seed: 3, size: 'tiny', now: NOW }), NOW);
    expect(again).toEqual(truth);
    const other = new Workspace({ seed: 4, size: 'tiny', now: NOW });
    expect(other.pages[0]?.id).not.toBe(ws.pages[0]?.id);
  });

  it('has a handful of users, people and bots, and an unlisted guest', () => {
    expect(truth.users.length).toBeGreaterThanOrEqual(5);
    expect(truth.users.some((u) => u.type === 'bot')).toBe(true);
    expect(truth.users.some((u) => u.type === 'person')).toBe(true);
    expect(ws.users.some((u) => !u.listed)).toBe(true);
  });

  it('has two databases, one with two data sources, and every property type', () => {
    expect(truth.databases).toHaveLength(2);
    expect(truth.databases.map((d) => d.data_sources.length).sort()).toEqual([1, 2]);
    expect(truth.data_sources).toHaveLength(3);
    const types = new Set(
      truth.data_sources.flatMap((ds) => Object.values(ds.properties).map((p) => p.type)),
    );
    for (const type of [
      'title',
      'rich_text',
      'number',
      'select',
      'multi_select',
      'status',
      'date',
      'people',
      'files',
      'checkbox',
      'url',
      'email',
      'phone_number',
      'formula',
      'relation',
      'rollup',
      'created_time',
      'created_by',
      'last_edited_time',
      'last_edited_by',
      'unique_id',
    ]) {
      expect(types, type).toContain(type);
    }
  });

  it('minute-rounds every timestamp, keeps them <= now and spreads them over the past year', () => {
    const stamps = [
      ...truth.pages.flatMap((p) => [p.created_time, p.last_edited_time]),
      ...truth.blocks.flatMap((b) => [b.created_time, b.last_edited_time]),
      ...truth.comments.map((c) => c.created_time),
      ...truth.data_sources.map((d) => d.last_edited_time),
    ].map((s) => Date.parse(s));
    for (const t of stamps) {
      expect(t % MINUTE_MS).toBe(0);
      expect(t).toBeLessThanOrEqual(NOW);
      expect(t).toBeGreaterThanOrEqual(NOW - 366 * DAY_MS);
    }
    expect(Math.max(...stamps) - Math.min(...stamps)).toBeGreaterThan(180 * DAY_MS);
    for (const p of truth.pages)
      expect(Date.parse(p.last_edited_time)).toBeGreaterThanOrEqual(Date.parse(p.created_time));
  });

  it('starts with nothing trashed, nested standalone pages and data source rows', () => {
    expect(truth.pages.every((p) => !p.in_trash)).toBe(true);
    expect(truth.pages.some((p) => p.parent.type === 'page_id')).toBe(true);
    expect(truth.pages.some((p) => p.parent.type === 'workspace')).toBe(true);
    expect(truth.pages.filter((p) => p.parent.type === 'data_source_id').length).toBeGreaterThan(40);
    expect(truth.blocks.length / truth.pages.length).toBeGreaterThan(5);
  });

  it('has a relation with 40 targets and a rich text longer than 25 references (complete in ground truth)', () => {
    const values = truth.pages.flatMap((p) => Object.values(p.properties));
    const longest = Math.max(...values.map((v) => (v.type === 'relation' ? v.relation.length : 0)));
    expect(longest).toBe(40);
    expect(Math.max(...values.map((v) => (v.type === 'rich_text' ? v.rich_text.length : 0)))).toBeGreaterThan(
      25,
    );
  });

  it('nests blocks 40 deep and has every common block type', () => {
    expect(Math.max(...truth.blocks.map((b) => b.depth))).toBe(40);
    const types = new Set(truth.blocks.map((b) => b.type));
    for (const type of [
      'paragraph',
      'heading_1',
      'heading_2',
      'heading_3',
      'bulleted_list_item',
      'numbered_list_item',
      'to_do',
      'toggle',
      'code',
      'divider',
      'table',
      'table_row',
      'column_list',
      'column',
      'synced_block',
      'child_page',
      'child_database',
      'unsupported',
      'transcription',
      'image',
      'bookmark',
      'callout',
      'quote',
    ]) {
      expect(types, type).toContain(type);
    }
    for (const b of truth.blocks)
      expect(b.depth === 1 ? b.parent.type : 'block_id').toBe(b.depth === 1 ? 'page_id' : b.parent.type);
  });

  it('has synced originals and references, one of them to an unshared page', () => {
    const synced = truth.blocks.filter((b) => b.type === 'synced_block');
    const originals = synced.filter((b) => b.type === 'synced_block' && b.synced_block.synced_from === null);
    const references = synced.filter((b) => b.type === 'synced_block' && b.synced_block.synced_from !== null);
    expect(originals.length).toBeGreaterThan(0);
    expect(references.length).toBeGreaterThanOrEqual(2);
    const known = new Set(truth.blocks.map((b) => b.id));
    const targets = references.map((b) =>
      b.type === 'synced_block' ? b.synced_block.synced_from?.block_id : undefined,
    );
    expect(targets.some((t) => t !== undefined && known.has(t))).toBe(true);
    expect(targets.some((t) => t !== undefined && !known.has(t))).toBe(true);
  });

  it('has page and inline comments, and resolved ones that the API hides', () => {
    expect(truth.comments.length).toBeGreaterThan(0);
    expect(truth.inline_comments.length).toBeGreaterThan(0);
    const all = ws.pages.flatMap((p) => ws.content(p.idx).comments);
    expect(all.some((c) => c.resolved)).toBe(true);
    expect(truth.comments.length + truth.inline_comments.length).toBeLessThan(all.length);
  });
});

describe('workspace generator sizes', () => {
  it('honours explicit knobs', () => {
    const ws = new Workspace({
      seed: 1,
      size: 'small',
      pages: 120,
      blocksPerPage: 4,
      dataSources: 5,
      now: NOW,
    });
    const truth = buildGroundTruth(ws, NOW);
    expect(truth.pages).toHaveLength(120);
    expect(truth.data_sources).toHaveLength(5);
    expect(truth.blocks.length).toBeLessThan(120 * 4 * 2 + 200);
  });

  it('rejects nonsense', () => {
    expect(() => new Workspace({ pages: -1 })).toThrow(/pages/);
    expect(() => new Workspace({ size: 'huge' as never })).toThrow(/preset/);
  });
});
