import { describe, expect, it } from 'vitest';
import { createIdCodec, ID_KIND, normalizeUuid } from './ids.js';

describe('id codec', () => {
  it('round-trips kind and indexes and looks like a v4 uuid', () => {
    const codec = createIdCodec(7);
    for (const [kind, a, b] of [
      [ID_KIND.page, 0, 0],
      [ID_KIND.block, 9_999, 123_456],
      [ID_KIND.block, 0xffffff, 0xffffffff],
      [ID_KIND.comment, 5, 1],
    ] as const) {
      const id = codec.encode(kind, a, b);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(codec.decode(id)).toEqual({ kind, a, b });
      expect(codec.decode(id.replace(/-/g, '').toUpperCase())).toEqual({ kind, a, b });
    }
  });

  it('is deterministic per seed and rejects foreign or forged ids', () => {
    const a = createIdCodec(1);
    const b = createIdCodec(2);
    expect(a.encode(ID_KIND.page, 3)).toBe(createIdCodec(1).encode(ID_KIND.page, 3));
    expect(a.encode(ID_KIND.page, 3)).not.toBe(b.encode(ID_KIND.page, 3));
    expect(b.decode(a.encode(ID_KIND.page, 3))).toBeUndefined();
    expect(a.decode('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(a.decode('not-a-uuid')).toBeUndefined();
  });

  it('normalizes dashed and undashed uuids only', () => {
    expect(normalizeUuid('0123456789ABCDEF0123456789abcdef')).toBe('01234567-89ab-cdef-0123-456789abcdef');
    expect(normalizeUuid('01234567-89ab-cdef-0123-456789abcdef')).toBe(
      '01234567-89ab-cdef-0123-456789abcdef',
    );
    expect(normalizeUuid('0123-456789ab-cdef-0123-456789abcdef')).toBeUndefined();
    expect(normalizeUuid('xyz')).toBeUndefined();
  });
});
