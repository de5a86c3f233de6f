import type { NotionVersion } from '../render/version.js';
import type { Workspace } from '../workspace/workspace.js';
import type { CursorCodec } from './cursor.js';
import type { ResolvedLimits } from './limits.js';
import type { RouteName } from './router.js';

export interface TokenConfig {
  token: string;
  /** "Read user information" capability: /v1/users and /v1/users/{id}. Default true. */
  readUsers: boolean;
  /** "Read comments" capability: /v1/comments. Default true. */
  readComments: boolean;
  /** How logs name the token (never the token itself). */
  label: string;
}

/** Search faults (FaultOptions), on top of the realistic limits. */
export interface SearchBehaviour {
  /** A search cursor becomes invalid once this many results were served through the listing. */
  cursorTtlResults?: number;
  /** A search cursor becomes invalid this many emulated seconds after the listing started. */
  cursorTtlSeconds?: number;
  /** Search sees the workspace as it was this many emulated ms ago. */
  indexLagMs: number;
  /** Share of pages (any, roots included) search never returns (seeded per page and edit). */
  omitRate: number;
}

export interface ApiEnv {
  ws: Workspace;
  cursors: CursorCodec;
  seed: number;
  /** Base URL of the server (property item next_url). */
  baseUrl(): string;
  /** Most rows one data source query returns (Notion: 10,000). */
  queryResultLimit: number;
  search: SearchBehaviour;
  /** Notion's real limits (search cap, cursor expiry, omissions, 25-reference computations). */
  limits: ResolvedLimits;
}

export interface ApiRequest {
  route: RouteName;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  version: NotionVersion;
  token: TokenConfig;
  /** Emulated now. */
  now: number;
}

export type Handler = (env: ApiEnv, req: ApiRequest) => object;
