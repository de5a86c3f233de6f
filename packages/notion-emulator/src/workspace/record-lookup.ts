import type { WorkspaceData } from './generate.js';
import { ID_KIND } from './ids.js';
import type { DatabaseRecord, DataSourceRecord, PageRecord, UserRecord } from './model.js';

/** Records by API id: the id decodes to its kind and index, so no index is kept. */

export function userById(data: WorkspaceData, id: string): UserRecord | undefined {
  const d = data.codec.decode(id);
  return d?.kind === ID_KIND.user ? data.users[d.a] : undefined;
}

export function pageById(data: WorkspaceData, id: string): PageRecord | undefined {
  const d = data.codec.decode(id);
  return d?.kind === ID_KIND.page ? data.pages[d.a] : undefined;
}

export function databaseById(data: WorkspaceData, id: string): DatabaseRecord | undefined {
  const d = data.codec.decode(id);
  return d?.kind === ID_KIND.database ? data.databases[d.a] : undefined;
}

export function dataSourceById(data: WorkspaceData, id: string): DataSourceRecord | undefined {
  const d = data.codec.decode(id);
  return d?.kind === ID_KIND.dataSource ? data.dataSources[d.a] : undefined;
}
