/** Compact internal records of the generated workspace (rendered into API objects on demand). */

export type SizePreset = 'tiny' | 'small' | 'medium' | 'large';

export interface UserRecord {
  idx: number;
  id: string;
  type: 'person' | 'bot';
  name: string;
  email?: string;
  avatarUrl: string | null;
  /** Listed by GET /v1/users (guests are not). */
  listed: boolean;
  /** The bot user behind the emulator's tokens (GET /v1/users/me). */
  integration: boolean;
  /** A person without a name of their own: `name` is null on Notion-Version 2026-12-01. */
  nameless?: boolean;
}

export type PropertyType =
  | 'title'
  | 'rich_text'
  | 'number'
  | 'select'
  | 'multi_select'
  | 'status'
  | 'date'
  | 'people'
  | 'files'
  | 'checkbox'
  | 'url'
  | 'email'
  | 'phone_number'
  | 'formula'
  | 'relation'
  | 'rollup'
  | 'created_time'
  | 'created_by'
  | 'last_edited_time'
  | 'last_edited_by'
  | 'unique_id'
  | 'verification'
  | 'place'
  | 'button';

export type SelectColor =
  | 'default'
  | 'gray'
  | 'brown'
  | 'orange'
  | 'yellow'
  | 'green'
  | 'blue'
  | 'purple'
  | 'pink'
  | 'red';

export interface SelectOption {
  id: string;
  name: string;
  color: SelectColor;
}

export interface PropertyDefinition {
  id: string;
  name: string;
  type: PropertyType;
  options?: SelectOption[];
  /** relation: target data source index; dual relations name the synced property. */
  relation?: { dataSourceIdx: number; syncedPropertyId?: string; syncedPropertyName?: string };
  rollup?: {
    relationPropertyId: string;
    relationPropertyName: string;
    rollupPropertyId: string;
    rollupPropertyName: string;
  };
  /** A formula; `countsRelationPropertyId`: a number formula counting that relation's references. */
  formula?: { expression: string; countsRelationPropertyId?: string };
  uniqueIdPrefix?: string | null;
}

export type PageParent =
  | { type: 'workspace' }
  | { type: 'page'; pageIdx: number }
  | { type: 'data_source'; dataSourceIdx: number };

export interface PageSpecials {
  /** Number of synced-block originals at the start of the page (block indexes 0..n-1). */
  syncedOriginals?: number;
  /** Ids of synced originals (in other pages) this page holds references to. */
  syncedReferences?: string[];
  deepChain?: number;
  unsupported?: boolean;
  /** Child database blocks pointing at a database that cannot be retrieved (a linked view). */
  linkedDatabaseIds?: string[];
  /** Guarantees page and inline comments, resolved and not. */
  forcedComments?: boolean;
  transcription?: boolean;
}

export interface SearchSnapshot {
  /** Emulated time of the mutation; until the index catches up, search sees the state before it. */
  at: number;
  edited: number;
  inTrash: boolean;
  existed: boolean;
}

export interface PageRecord {
  idx: number;
  id: string;
  parent: PageParent;
  title: string;
  created: number;
  edited: number;
  createdBy: number;
  editedBy: number;
  shared: boolean;
  inTrash: boolean;
  purged: boolean;
  hiddenFromSearch: boolean;
  /** Bumped by every property edit; property values derive from (seed, idx, rev). */
  rev: number;
  blockTarget: number;
  childPageIdxs: number[];
  childDatabaseIdxs: number[];
  /** Explicit relation targets (page indexes) by property id. */
  relations?: Record<string, number[]>;
  /** A rich_text value longer than 25 references (truncation test). */
  longRichText?: boolean;
  uniqueNumber?: number;
  specials?: PageSpecials;
  /** States before recent mutations, oldest first (search index lag). */
  searchHistory?: SearchSnapshot[];
  icon?: string;
}

export interface DatabaseRecord {
  idx: number;
  id: string;
  title: string;
  parent: { type: 'workspace' } | { type: 'page'; pageIdx: number };
  isInline: boolean;
  created: number;
  edited: number;
  createdBy: number;
  dataSourceIdxs: number[];
  icon: string;
}

export interface DataSourceRecord {
  idx: number;
  id: string;
  databaseIdx: number;
  title: string;
  created: number;
  edited: number;
  createdBy: number;
  editedBy: number;
  properties: PropertyDefinition[];
  rowIdxs: number[];
  hiddenFromSearch: boolean;
  searchHistory?: SearchSnapshot[];
}
