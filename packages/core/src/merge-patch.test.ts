import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMergePatch, cloneObjects, createMergePatch, mergePatchInPlace } from './merge-patch.js';

// JSON values without null inside objects (RFC 7396 cannot set a member to null).
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.string({ maxLength: 5 }),
    fc.array(tie('json'), { maxLength: 3 }),
    tie('object'),
  ),
  object: fc.dictionary(
    fc.constantFrom('a', 'b', 'c', 'd', '__proto__x', 'cursor'),
    tie('json').filter((value) => value !== null),
    { maxKeys: 4 },
  ),
}));
const objectValue = fc.dictionary(
  fc.constantFrom('a', 'b', 'c', 'cursor'),
  json.filter((v) => v !== null),
  {
    maxKeys: 4,
  },
);

describe('applyMergePatch (RFC 7396 appendix A examples)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('does not modify its inputs', () => {
    const target = { a: { b: 1 }, c: 2 };
    const patch = { a: { b: null, d: 3 } };
    const result = applyMergePatch(target, patch);
    expect(target).toEqual({ a: { b: 1 }, c: 2 });
    expect(patch).toEqual({ a: { b: null, d: 3 } });
    expect(result).toEqual({ a: { d: 3 }, c: 2 });
  });

  it('an undefined patch leaves the target as it is', () => {
    expect(applyMergePatch({ a: 1 }, undefined)).toEqual({ a: 1 });
  });

  it('merges per-binding state under bindingStateV1 without touching siblings', () => {
    const state = { bindingStateV1: { pages: { cursor: 'x', backfill: { done: false } }, users: { n: 1 } } };
    const next = applyMergePatch(state, { bindingStateV1: { pages: { backfill: null, cursor: 'y' } } });
    expect(next).toEqual({ bindingStateV1: { pages: { cursor: 'y' }, users: { n: 1 } } });
  });
});

describe('createMergePatch', () => {
  it('is undefined for equal values, including key order differences', () => {
    expect(createMergePatch({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBeUndefined();
    expect(createMergePatch(3, 3)).toBeUndefined();
  });

  it('produces minimal patches: deletions as null, unchanged members left out', () => {
    expect(createMergePatch({ a: 1, b: { c: 2, d: 3 }, e: 5 }, { a: 1, b: { c: 2, d: 4 }, f: [1] })).toEqual({
      b: { d: 4 },
      e: null,
      f: [1],
    });
  });

  it('round-trips: apply(from, create(from, to)) equals to (objects)', () => {
    fc.assert(
      fc.property(objectValue, objectValue, (from, to) => {
        const patch = createMergePatch(from, to);
        const result = patch === undefined ? from : applyMergePatch(from, patch);
        expect(result).toEqual(to);
        // And the patch survives a JSON round trip (what the runtime stores).
        if (patch !== undefined) expect(applyMergePatch(from, JSON.parse(JSON.stringify(patch)))).toEqual(to);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips for any JSON values at the top', () => {
    fc.assert(
      fc.property(json, json, (from, to) => {
        const patch = createMergePatch(from, to);
        expect(patch === undefined ? from : applyMergePatch(from, patch)).toEqual(to);
      }),
      { numRuns: 500 },
    );
  });

  it('applying a patch twice is the same as once (idempotence)', () => {
    fc.assert(
      fc.property(objectValue, objectValue, (target, patch) => {
        const once = applyMergePatch(target, patch);
        expect(applyMergePatch(once, patch)).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });
});

describe('mergePatchInPlace', () => {
  // Patches as the runtime sees them: objects whose members may be null (delete).
  const { patchValue } = fc.letrec((tie) => ({
    patchValue: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.integer(),
      fc.string({ maxLength: 3 }),
      fc.array(fc.integer(), { maxLength: 2 }),
      tie('patchObject'),
    ),
    patchObject: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'cursor'), tie('patchValue'), { maxKeys: 4 }),
  }));
  const patchObject = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'cursor'), patchValue, { maxKeys: 4 });

  it('gives the same result as applyMergePatch for any sequence of patches', () => {
    fc.assert(
      fc.property(objectValue, fc.array(patchObject, { maxLength: 5 }), (start, patches) => {
        let expected: unknown = start;
        const target = structuredClone(start);
        for (const patch of patches) {
          expected = applyMergePatch(expected, patch);
          expect(mergePatchInPlace<unknown>(target, patch)).toBe(target);
        }
        expect(target).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('never writes into a patch it has applied', () => {
    const first = { pages: { p1: { cursor: 'a' } } };
    const target: Record<string, unknown> = {};
    mergePatchInPlace(target, first);
    mergePatchInPlace(target, { pages: { p1: { cursor: 'b', extra: 1 } } });
    expect(first).toEqual({ pages: { p1: { cursor: 'a' } } });
    expect(target).toEqual({ pages: { p1: { cursor: 'b', extra: 1 } } });
  });

  it("merges into the target's own objects instead of copying them", () => {
    const ids: Record<string, unknown> = {};
    for (let i = 0; i < 5_000; i++) ids[`id${i}`] = i;
    const target: Record<string, unknown> = { ids, cursor: 'a' };
    for (let i = 0; i < 5_000; i++) mergePatchInPlace(target, { ids: { [`new${i}`]: i, [`id${i}`]: null } });
    // The same object, so each patch cost its own size, not the 5,000 members around it.
    expect(target.ids).toBe(ids);
    expect(Object.keys(ids)).toHaveLength(5_000);
    expect(ids.new4999).toBe(4999);
    expect(ids.id0).toBeUndefined();
  });

  it('replaces the target when the patch or the target is not an object, as RFC 7396 does', () => {
    expect(mergePatchInPlace({ a: 1 }, [1])).toEqual([1]);
    expect(mergePatchInPlace({ a: 1 }, undefined)).toEqual({ a: 1 });
    expect(mergePatchInPlace(undefined, { a: { b: null, c: 1 } })).toEqual({ a: { c: 1 } });
    expect(mergePatchInPlace('x', { a: 1 })).toEqual({ a: 1 });
  });
});

describe('cloneObjects', () => {
  it('copies every object and array, so that merging into the copy leaves the original as it was', () => {
    fc.assert(
      fc.property(json, json, (value, patch) => {
        const before = structuredClone(value);
        const copy = cloneObjects(value);
        expect(copy).toEqual(value);
        mergePatchInPlace(copy, patch);
        expect(value).toEqual(before);
      }),
      { numRuns: 500 },
    );
  });

  it('copies objects as the merge sees them: own enumerable members', () => {
    const nested = { a: [{ b: 1 }], c: 'x' };
    const copy = cloneObjects(nested);
    expect(copy).not.toBe(nested);
    expect(copy.a).not.toBe(nested.a);
    expect(copy.a[0]).not.toBe(nested.a[0]);
    expect(cloneObjects(Object.assign(Object.create({ inherited: 1 }), { own: 2 }))).toStrictEqual({
      own: 2,
    });
  });
});
