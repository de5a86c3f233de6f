import { generateDatabases, hideDataSources } from './generate-databases.js';
import {
  createPageFactory,
  generateRows,
  generateStandalonePages,
  generateUnsharedPages,
  planPageLayout,
} from './generate-pages.js';
import { buildRelations } from './generate-relations.js';
import { buildSchemas } from './generate-schemas.js';
import { assignSpecials } from './generate-specials.js';
import { generateUsers } from './generate-users.js';
import { createGenerationContext } from './generation-context.js';
import { ID_KIND, type IdCodec } from './ids.js';
import type { DatabaseRecord, DataSourceRecord, PageRecord, UserRecord } from './model.js';
import { type ResolvedWorkspaceOptions, resolveWorkspaceOptions, type WorkspaceOptions } from './options.js';

export interface WorkspaceData {
  options: ResolvedWorkspaceOptions;
  codec: IdCodec;
  workspaceId: string;
  users: UserRecord[];
  integrationUserIdx: number;
  /** Users that author content (people, the guest, another bot). */
  authorIdxs: number[];
  databases: DatabaseRecord[];
  dataSources: DataSourceRecord[];
  pages: PageRecord[];
  /** Index of the first unshared page (pages from here on are not shared with the integration). */
  unsharedFrom: number;
}

/**
 * The records of a seeded workspace (block trees are derived later, page by page). The steps
 * share one random stream, so their order is part of the output: keep it.
 */
export function generateWorkspaceData(input: WorkspaceOptions = {}): WorkspaceData {
  const options = resolveWorkspaceOptions(input);
  const ctx = createGenerationContext(options);
  const { rng, codec } = ctx;
  const { users, integrationUserIdx, authorIdxs, author } = generateUsers(ctx);
  const layout = planPageLayout(options);
  const pages: PageRecord[] = [];
  const newPage = createPageFactory(ctx, author, pages);
  generateStandalonePages(ctx, newPage, pages, layout);
  const { databases, dataSources } = generateDatabases(ctx, author, pages, layout.standalone);
  buildSchemas(rng, codec, dataSources);
  generateRows(ctx, newPage, dataSources, layout);
  generateUnsharedPages(ctx, newPage, layout);
  buildRelations(rng, dataSources, pages, layout.relationTargets);
  assignSpecials(options, codec, pages, layout.standalone, layout.unsharedFrom, layout.total);
  hideDataSources(options, databases, dataSources, pages, layout.standalone);
  return {
    options,
    codec,
    workspaceId: codec.encode(ID_KIND.workspace, 0),
    users,
    integrationUserIdx,
    authorIdxs,
    databases,
    dataSources,
    pages,
    unsharedFrom: layout.unsharedFrom,
  };
}
