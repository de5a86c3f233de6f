import { compactId, expandId } from '../notion-ids.js';
import {
  packResolvedDatabases,
  type ResolvedDatabases,
  unpackResolvedDatabases,
} from './database-resolution.js';
import type { PageSweepState } from './page-state.js';

/** A string member of the state that a checkpoint carries only when it changed. */
class ChangedField {
  #changed = false;
  constructor(public value: string | undefined) {}
  set(value: string): void {
    if (value === (this.value ?? '')) return;
    this.value = value;
    this.#changed = true;
  }
  /** The value when it changed since the last take (then cleared), else undefined. */
  take(): string | undefined {
    if (!this.#changed) return undefined;
    this.#changed = false;
    return this.value;
  }
}

/**
 * What a page sweep remembers beside its pages, for the next sweep: the data sources discovery
 * learned of outside search (`extraDataSources`) and the databases resolved (`databases`).
 */
export class SweepMemory {
  readonly #extraDataSources: ChangedField;
  readonly #databases: ChangedField;

  constructor(state: PageSweepState) {
    this.#extraDataSources = new ChangedField(state.extraDataSources);
    this.#databases = new ChangedField(state.databases);
  }

  /** The data sources an earlier sweep's discovery learned of (dashed ids). */
  extraDataSourceIds(): string[] {
    return (this.#extraDataSources.value ?? '')
      .split(' ')
      .filter((key) => key !== '')
      .map(expandId);
  }

  /** What this sweep's discovery learned of, for the next sweep. */
  setExtraDataSourceIds(ids: readonly string[]): void {
    this.#extraDataSources.set([...new Set(ids.map(compactId))].sort().join(' '));
  }

  /** The databases an earlier sweep resolved (see packResolvedDatabases). */
  resolvedDatabases(): ResolvedDatabases {
    return unpackResolvedDatabases(this.#databases.value);
  }

  /** What the capture resolved, for the next sweep (see packResolvedDatabases). */
  setResolvedDatabases(resolved: ResolvedDatabases, now: number): void {
    this.#databases.set(packResolvedDatabases(resolved, now));
  }

  /** The `extraDataSources` and `databases` members of a checkpoint that changed since the last one. */
  takeChanged(): { extraDataSources?: string; databases?: string } {
    const fields: { extraDataSources?: string; databases?: string } = {};
    const extraDataSources = this.#extraDataSources.take();
    if (extraDataSources !== undefined) fields.extraDataSources = extraDataSources;
    const databases = this.#databases.take();
    if (databases !== undefined) fields.databases = databases;
    return fields;
  }
}
