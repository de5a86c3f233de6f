import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapFlags } from './heap.js';

describe('heapFlags', () => {
  it('limits how far the heap grows past its live size', () => {
    expect(heapFlags([], {})).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
    expect(heapFlags(['--max-old-space-size=512'], { NODE_OPTIONS: '--enable-source-maps' })).toEqual([
      `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
    ]);
  });

  it('leaves a growing factor given to node alone', () => {
    expect(heapFlags(['--heap-growing-percent=20'], {})).toEqual([]);
    expect(heapFlags(['--heap_growing_percent', '20'], {})).toEqual([]);
    expect(heapFlags([], { NODE_OPTIONS: '--enable-source-maps --heap-growing-percent=200' })).toEqual([]);
  });
});
