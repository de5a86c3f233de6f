import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeIdSet, encodeIdSet } from './id-set.js';

describe('encodeIdSet / decodeIdSet', () => {
  it('round-trips canonical UUIDs in about 22 characters each', () => {
    const ids = Array.from({ length: 300 }, () => randomUUID());
    const packed = encodeIdSet(ids);
    expect(packed.other).toBeUndefined();
    expect(packed.ids.length).toBe(Math.ceil((300 * 16 * 4) / 3));
    expect(decodeIdSet(packed)).toEqual(new Set(ids));
  });

  it('is independent of order and duplicates', () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    expect(encodeIdSet([ids[2]!, ids[0]!, ids[1]!, ids[0]!])).toEqual(encodeIdSet(ids));
  });

  it('keeps ids that are not canonical UUIDs verbatim', () => {
    const odd = ['ABCDEF00-0000-4000-8000-000000000000', 'abcdef0000004000800000000000000a', 'user-1'];
    const uuid = randomUUID();
    const packed = encodeIdSet([uuid, ...odd]);
    expect(packed.other).toEqual([...odd].sort());
    expect(decodeIdSet(packed)).toEqual(new Set([uuid, ...odd]));
  });

  it('encodes the empty set as an empty string and decodes undefined as empty', () => {
    expect(encodeIdSet([])).toEqual({ ids: '' });
    expect(decodeIdSet({ ids: '' }).size).toBe(0);
    expect(decodeIdSet(undefined).size).toBe(0);
  });

  it('rejects a packed string that is not a whole number of ids', () => {
    expect(() => decodeIdSet({ ids: Buffer.from('abc').toString('base64url') })).toThrow(/multiple of 16/);
  });
});
