import type { Random } from '../random.js';
import type { IdCodec } from './ids.js';
import type { DataSourceRecord, PropertyDefinition } from './model.js';
import { GENERIC_TYPES, SchemaBuilder } from './schema.js';

/**
 * The property schemas of the data sources: Projects has every property type and a two-way
 * relation with Tasks (with a rollup over it); the others get a title and a random few.
 */
export function buildSchemas(rng: Random, codec: IdCodec, dataSources: DataSourceRecord[]): void {
  const projects = dataSources[0];
  const tasks = dataSources[1];
  if (!projects || !tasks) throw new Error('a workspace needs at least two data sources');
  // Projects: every property type.
  const p = new SchemaBuilder(rng, codec, 0);
  p.add('title', 'Name');
  p.add('rich_text', 'Description');
  p.add('number', 'Budget');
  p.add('select', 'Stage');
  p.add('multi_select', 'Tags');
  p.add('status', 'Status');
  p.add('date', 'Due');
  p.add('people', 'Owners');
  p.add('files', 'Attachments');
  p.add('checkbox', 'Archived?');
  p.add('url', 'Website');
  p.add('email', 'Contact');
  p.add('phone_number', 'Phone');
  p.add('formula', 'Summary');
  const t = new SchemaBuilder(rng, codec, 1);
  t.add('title', 'Task');
  const taskProject = t.add('relation', 'Project');
  const projectTasks = p.add('relation', 'Tasks');
  projectTasks.relation = {
    dataSourceIdx: 1,
    syncedPropertyId: taskProject.id,
    syncedPropertyName: taskProject.name,
  };
  taskProject.relation = {
    dataSourceIdx: 0,
    syncedPropertyId: projectTasks.id,
    syncedPropertyName: projectTasks.name,
  };
  const taskTitle = t.properties[0] as PropertyDefinition;
  p.add('rollup', 'Task count', {
    rollup: {
      relationPropertyId: projectTasks.id,
      relationPropertyName: projectTasks.name,
      rollupPropertyId: taskTitle.id,
      rollupPropertyName: taskTitle.name,
    },
  });
  p.add('created_time', 'Created');
  p.add('created_by', 'Created by');
  p.add('last_edited_time', 'Last edited');
  p.add('last_edited_by', 'Last edited by');
  p.add('unique_id', 'ID', { uniqueIdPrefix: 'PRJ' });
  // A number formula over the relation (last, with a fixed id: earlier values stay as they were).
  p.add('formula', 'Task total', {
    id: '%3FtTl',
    formula: { expression: 'prop("Tasks").length()', countsRelationPropertyId: projectTasks.id },
  });
  projects.properties = p.properties;

  t.add('status', 'Status');
  t.add('people', 'Assignee');
  t.add('date', 'Due');
  t.add('checkbox', 'Done');
  t.add('number', 'Points');
  t.add('unique_id', 'Key', { uniqueIdPrefix: 'TSK' });
  tasks.properties = t.properties;

  for (const ds of dataSources.slice(2)) {
    const b = new SchemaBuilder(rng, codec, ds.idx);
    b.add('title', ds.idx === 2 ? 'Title' : 'Name');
    for (const type of rng.sample(GENERIC_TYPES, rng.int(4, 9)))
      b.add(type, `${type.replace(/_/g, ' ')} ${ds.idx}`);
    ds.properties = b.properties;
  }
}
