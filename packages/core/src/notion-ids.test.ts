import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactId, expandId, isNotionId, packIds, unpackIds } from './notion-ids.js';

const uuid = fc.uuid().map((id) => id.toLowerCase());

describe('page ids', () => {
  it('compacts an id to 22 characters and back', () => {
    const id = '1c2f7a0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
    expect(compactId(id)).toHaveLength(22);
    expect(expandId(compactId(id))).toBe(id);
    expect(compactId(id.replace(/-/g, '').toUpperCase())).toBe(compactId(id));
  });

  it('packs ids at 16 bytes each and unpacks them in order', () => {
    fc.assert(
      fc.property(fc.array(uuid, { maxLength: 50 }), (ids) => {
        const packed = packIds(ids);
        expect(packed.length).toBe(Math.ceil((ids.length * 16 * 4) / 3));
        expect(unpackIds(packed)).toEqual(ids);
      }),
    );
    expect(unpackIds(undefined)).toEqual([]);
    expect(unpackIds('')).toEqual([]);
    expect(packIds([])).toBe('');
  });

  it('packs any spelling of an id and unpacks the dashed lowercase form', () => {
    const id = 'abcdef00-0000-4000-8000-00000000000a';
    const spellings = [id, id.toUpperCase(), id.replace(/-/g, '')];
    expect(unpackIds(packIds(spellings))).toEqual([id, id, id]);
    expect(() => packIds([id, 'user-1'])).toThrow(/not a Notion id/);
  });

  it('rejects what is not an id', () => {
    expect(isNotionId('nope')).toBe(false);
    expect(() => compactId('not-an-id')).toThrow(/not a Notion id/);
    expect(() => expandId('abc')).toThrow(/not a compact Notion id/);
    expect(() => unpackIds('AAAA')).toThrow(/corrupt/);
  });
});
