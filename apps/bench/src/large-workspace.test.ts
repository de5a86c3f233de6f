import { describe, expect, it } from 'vitest';
import { type ShapeRequirements, shapeChecks, shapeFigures } from './large-workspace.js';
import type { WorkspaceShape } from './workspace-shape.js';

/** r0, r1 roots; s0…s5 under them; 4 rows in ds1, 2 in ds2; ds3 holds no rows; search misses ds2. */
function shape(): WorkspaceShape {
  const standalone = ['r0', 'r1', 's0', 's1', 's2', 's3', 's4', 's5'];
  const rows = { w0: 'ds1', w1: 'ds1', w2: 'ds1', w3: 'ds1', w4: 'ds2', w5: 'ds2' };
  return {
    users: [],
    databases: ['d1', 'd2'],
    dataSources: ['ds1', 'ds2', 'ds3'],
    pages: [...standalone, ...Object.keys(rows)],
    blocks: [],
    comments: [],
    rowDataSources: rows,
    roots: ['r0', 'r1'],
    search: {
      descending: ['w0', 'w1', 's5', 's4'],
      ascending: ['r0', 'r1', 's0'],
      capped: true,
      dataSources: ['ds1', 'ds3'],
    },
  };
}

const required: ShapeRequirements = {
  pages: 14,
  standalone: 8,
  maxRoots: 2,
  rows: 6,
  dataSources: 2,
  unsearchedDataSources: 1,
  searchCapped: true,
};

describe('shapeFigures', () => {
  it('counts standalone pages, roots, rows, data sources and what search missed', () => {
    expect(shapeFigures(shape())).toEqual({
      pages: 14,
      standalone: 8,
      roots: 2,
      rows: 6,
      dataSources: 2,
      unsearchedDataSources: 1,
      searchCapped: true,
      // s1, s2, s3: in neither search window.
      unlistedStandalone: 3,
      unlistedRoots: 0,
    });
    const lostRoot = shape();
    lostRoot.search = { ...lostRoot.search!, ascending: ['r0', 's0'] };
    expect(shapeFigures(lostRoot).unlistedRoots).toBe(1);
  });
});

describe('shapeChecks', () => {
  it('meets every requirement the workspace meets', () => {
    const checks = shapeChecks('large', shapeFigures(shape()), required);
    expect(checks).toHaveLength(7);
    expect(checks.every((t) => t.met)).toBe(true);
  });

  it('misses the requirements a workspace generated without the knobs misses', () => {
    const figures = {
      ...shapeFigures(shape()),
      roots: 5_000,
      unsearchedDataSources: 0,
      searchCapped: false,
      unlistedRoots: 2,
    };
    const missed = shapeChecks('large', figures, required)
      .filter((t) => !t.met)
      .map((t) => t.name);
    expect(missed).toEqual([
      'large: workspace roots of the standalone pages',
      'large: workspace data sources search does not return',
      'large: workspace search stops at its cap',
    ]);
  });
});
