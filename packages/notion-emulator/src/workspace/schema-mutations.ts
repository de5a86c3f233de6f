import { createRandom, hashInts } from '../random.js';
import type { DataSourceRecord, PropertyDefinition, PropertyType } from './model.js';
import { type MutationContext, remember, stamp } from './mutation-context.js';
import { dataSourceById } from './record-lookup.js';
import { SchemaBuilder } from './schema.js';
import { WorkspaceError } from './workspace-error.js';

/*
 * Changes to a data source's property schema, as Notion makes them: the data source is edited
 * (its last_edited_time moves, search shows the old version until its index catches up) and
 * every row shows the new schema at once (values derive from the schema), while the rows' own
 * last_edited_time stays: a schema change does not edit the rows.
 */

/** Types a schema mutation cannot create: they need a target data source (a relation, a rollup over it). */
const NEEDS_TARGET = new Set<PropertyType>(['relation', 'rollup']);

function requireDataSource(ctx: MutationContext, id: string): DataSourceRecord {
  const ds = dataSourceById(ctx.data, id);
  if (!ds) throw new WorkspaceError(`no data source with id ${id}`);
  return ds;
}

function requireProperty(ds: DataSourceRecord, idOrName: string): number {
  const index = ds.properties.findIndex((p) => p.id === idOrName || p.name === idOrName);
  if (index < 0) throw new WorkspaceError(`data source ${ds.id} has no property ${idOrName}`);
  return index;
}

function checkName(ds: DataSourceRecord, name: string, except?: number): void {
  if (ds.properties.some((p, i) => p.name === name && i !== except))
    throw new WorkspaceError(`data source ${ds.id} already has a property named ${name}`);
}

function checkType(type: PropertyType): void {
  if (NEEDS_TARGET.has(type)) throw new WorkspaceError(`a schema mutation cannot create a ${type} property`);
  if (type === 'title') throw new WorkspaceError('a data source has one title property');
}

/** A new definition of `type` (options drawn for select types), built beside the existing ones. */
function definition(
  ctx: MutationContext,
  ds: DataSourceRecord,
  type: PropertyType,
  name: string,
  extra: Partial<PropertyDefinition>,
): PropertyDefinition {
  const rng = createRandom(hashInts(ctx.data.options.seed, 0x5c4e, ds.idx, ds.properties.length, ds.edited));
  const builder = new SchemaBuilder(rng, ctx.data.codec, ds.idx, ds.properties);
  return builder.add(type, name, extra);
}

function edited(ctx: MutationContext, ds: DataSourceRecord): void {
  remember(ctx, ds);
  ds.edited = stamp(ctx, ds.edited);
  ctx.bumpRevision();
}

/** Adds a property (last in the schema); returns its id. Every row shows it from now on. */
export function addProperty(
  ctx: MutationContext,
  dataSourceId: string,
  type: PropertyType,
  name: string,
): string {
  const ds = requireDataSource(ctx, dataSourceId);
  checkType(type);
  checkName(ds, name);
  const added = definition(ctx, ds, type, name, {});
  ds.properties = [...ds.properties, added];
  edited(ctx, ds);
  return added.id;
}

/** Renames a property (by id or name): same id, same values, a new name. */
export function renameProperty(
  ctx: MutationContext,
  dataSourceId: string,
  idOrName: string,
  name: string,
): void {
  const ds = requireDataSource(ctx, dataSourceId);
  const index = requireProperty(ds, idOrName);
  checkName(ds, name, index);
  ds.properties = ds.properties.map((p, i) => (i === index ? { ...p, name } : p));
  edited(ctx, ds);
}

/** Changes a property's type (by id or name): same id and name, values of the new type. */
export function retypeProperty(
  ctx: MutationContext,
  dataSourceId: string,
  idOrName: string,
  type: PropertyType,
): void {
  const ds = requireDataSource(ctx, dataSourceId);
  const index = requireProperty(ds, idOrName);
  const current = ds.properties[index]!;
  if (current.type === 'title') throw new WorkspaceError('the title property cannot change type');
  checkType(type);
  const others = ds.properties.filter((_, i) => i !== index);
  const retyped = definition(ctx, { ...ds, properties: others }, type, current.name, { id: current.id });
  ds.properties = ds.properties.map((p, i) => (i === index ? retyped : p));
  edited(ctx, ds);
}
