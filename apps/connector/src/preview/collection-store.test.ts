import { describe, expect, it } from 'vitest';
import { createCollectionStore, readPointer } from './collection-store.js';

describe('createCollectionStore', () => {
  it('reduces by key: last write wins, deletions remove', () => {
    const store = createCollectionStore(['/id']);
    store.apply({ id: 'b', v: 1 });
    store.apply({ id: 'a', v: 1 });
    store.apply({ id: 'b', v: 2 });
    expect(store.apply({ id: 'a', _meta: { op: 'd' } })).toBe('delete');
    store.apply({ id: 'c', v: 1 });
    expect(store.documents()).toEqual([
      { id: 'b', v: 2 },
      { id: 'c', v: 1 },
    ]);
    expect(store.size).toBe(2);
  });

  it('round-trips through JSONL', () => {
    const store = createCollectionStore(['/id']);
    store.apply({ id: 'x', nested: { a: [1, 2] } });
    const copy = createCollectionStore(['/id']);
    copy.loadJsonl(`${store.toJsonl()}\n`);
    expect(copy.documents()).toEqual(store.documents());
  });

  it('reads JSON pointers with escapes', () => {
    expect(readPointer({ 'a/b': { '~c': 1 } }, '/a~1b/~0c')).toBe(1);
    expect(readPointer({ a: 1 }, '/missing/deeper')).toBeUndefined();
  });
});
