import { check, type Target } from './results.js';
import type { WorkspaceShape } from './workspace-shape.js';

/** What the large workspace must hold for its figures to mean what they say. */
export interface ShapeRequirements {
  /** At least this many pages (standalone pages and rows). */
  pages: number;
  /** At least this many standalone pages… */
  standalone: number;
  /** …under at most this many roots (pages whose parent is the workspace). */
  maxRoots: number;
  /** At least this many data source rows… */
  rows: number;
  /** …in at least this many data sources. */
  dataSources: number;
  /** At least this many data sources search does not return (reached through their database). */
  unsearchedDataSources: number;
  /** Search stops at its position cap before it has listed every page. */
  searchCapped: boolean;
}

export interface ShapeFigures {
  pages: number;
  standalone: number;
  roots: number;
  rows: number;
  /** Data sources holding rows. */
  dataSources: number;
  unsearchedDataSources: number;
  searchCapped: boolean;
  /** Standalone pages neither search listing returned: each costs one GET. */
  unlistedStandalone: number;
  /** Roots neither search listing returned: reached only by climbing from a page of their tree. */
  unlistedRoots: number;
}

/** The figures of a shape read with `probeSearch`. */
export function shapeFigures(shape: WorkspaceShape): ShapeFigures {
  const rows = shape.rowDataSources ?? {};
  const listed = new Set([...(shape.search?.descending ?? []), ...(shape.search?.ascending ?? [])]);
  const searched = new Set(shape.search?.dataSources ?? shape.dataSources);
  const standalone = shape.pages.filter((id) => rows[id] === undefined);
  return {
    pages: shape.pages.length,
    standalone: standalone.length,
    roots: shape.roots?.length ?? 0,
    rows: shape.pages.length - standalone.length,
    dataSources: new Set(Object.values(rows)).size,
    unsearchedDataSources: shape.dataSources.filter((id) => !searched.has(id)).length,
    searchCapped: shape.search?.capped === true,
    unlistedStandalone: shape.search ? standalone.filter((id) => !listed.has(id)).length : 0,
    unlistedRoots: shape.search ? (shape.roots ?? []).filter((id) => !listed.has(id)).length : 0,
  };
}

/** One target per requirement: a workspace generated without a knob shows here. */
export function shapeChecks(workload: string, figures: ShapeFigures, required: ShapeRequirements): Target[] {
  const w = `${workload}: workspace`;
  return [
    check(`${w} pages`, figures.pages, '>=', required.pages),
    check(`${w} standalone pages`, figures.standalone, '>=', required.standalone),
    check(`${w} roots of the standalone pages`, figures.roots, '<=', required.maxRoots),
    check(`${w} data source rows`, figures.rows, '>=', required.rows),
    check(`${w} data sources holding rows`, figures.dataSources, '>=', required.dataSources),
    check(
      `${w} data sources search does not return`,
      figures.unsearchedDataSources,
      '>=',
      required.unsearchedDataSources,
    ),
    check(`${w} search stops at its cap`, figures.searchCapped ? 1 : 0, '==', required.searchCapped ? 1 : 0),
    // No target on the roots search cannot return (`unlistedRoots`, reported with the shape): the
    // connector reaches them by climbing from a page of their tree that search or a data source
    // returned, and the comparison with the ground truth shows whether it did.
  ];
}
