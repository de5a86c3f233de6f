import type { Random } from '../random.js';
import type { DataSourceRecord, PageRecord } from './model.js';

/**
 * The Projects-Tasks relation: the first project row points at `relationTargets` tasks (and has a
 * long rich text), the others at up to five; each task row gets the matching back references.
 */
export function buildRelations(
  rng: Random,
  dataSources: DataSourceRecord[],
  pages: PageRecord[],
  relationTargets: number,
): void {
  const projects = dataSources[0];
  const tasks = dataSources[1];
  if (!projects || !tasks) return;
  const forward = projects.properties.find((p) => p.type === 'relation');
  const back = tasks.properties.find((p) => p.type === 'relation');
  if (!forward || !back) return;
  const backRefs = new Map<number, number[]>();
  projects.rowIdxs.forEach((rowIdx, r) => {
    const targets =
      r === 0 ? tasks.rowIdxs.slice(0, relationTargets) : rng.sample(tasks.rowIdxs, rng.int(0, 5));
    const page = pages[rowIdx];
    if (!page) return;
    page.relations = { [forward.id]: targets };
    if (r === 0) page.longRichText = true;
    for (const target of targets) backRefs.set(target, [...(backRefs.get(target) ?? []), rowIdx]);
  });
  for (const rowIdx of tasks.rowIdxs) {
    const page = pages[rowIdx];
    if (page) page.relations = { [back.id]: backRefs.get(rowIdx) ?? [] };
  }
}
