/**
 * The limits real Notion imposes, modelled on by default at the values public reports and
 * Notion's docs give. `limits: false` turns every one off (the emulator's older, kinder behaviour).
 */
export interface LimitOptions {
  /**
   * Most results one search listing serves (reports: around 11,200 on large workspaces); `null` =
   * no cap. Default 11,200.
   */
  searchPositionCap?: number | null;
  /**
   * What the cap does: `'reject'` (default, what reports describe) issues a cursor past the cap and
   * answers it 400 "The start_cursor provided is invalid: <cursor>"; `'incomplete'` ends the
   * listing with `has_more: false` and `request_status: {type:'incomplete'}`.
   */
  searchCapMode?: 'reject' | 'incomplete';
  /**
   * A cursor of search or of a data source query is rejected (same 400) once its listing started
   * more than this many emulated seconds ago (cursors are session-scoped: age counts from the
   * listing's first page, not from the cursor's issue). `null` = never. Default 180.
   */
  cursorTtlSeconds?: number | null;
  /**
   * Share of pages search leaves out, seeded and stable per page and edit. Pages whose parent is
   * the workspace are never left out (nothing else could reach them). Default 0.005.
   */
  searchOmitPageRate?: number;
  /**
   * Share of data sources search leaves out, likewise; only data sources whose database sits in a
   * page (so a `child_database` block reaches them). Default 0.05.
   */
  searchOmitDataSourceRate?: number;
  /**
   * Rollups and formulas over a relation are computed from its first this-many references in page
   * and list responses (GET page, search, query); the property item endpoint and the ground truth
   * are exact. `null` = exact everywhere. Default 25.
   */
  computedReferenceLimit?: number | null;
  /**
   * Most records (blocks) `GET /v1/pages/{id}/markdown` loads per request (Notion's docs: "the
   * record limit (approximately 20,000 blocks)"); the blocks past it are `<unknown …/>`
   * placeholders listed in `unknown_block_ids` (`truncated: true`). `null` = no limit. Default 20,000.
   */
  markdownRecordLimit?: number | null;
}

export interface ResolvedLimits {
  searchPositionCap: number | null;
  searchCapMode: 'reject' | 'incomplete';
  cursorTtlSeconds: number | null;
  searchOmitPageRate: number;
  searchOmitDataSourceRate: number;
  computedReferenceLimit: number | null;
  markdownRecordLimit: number | null;
}

export const DEFAULT_LIMITS: ResolvedLimits = {
  searchPositionCap: 11_200,
  searchCapMode: 'reject',
  cursorTtlSeconds: 180,
  searchOmitPageRate: 0.005,
  searchOmitDataSourceRate: 0.05,
  computedReferenceLimit: 25,
  markdownRecordLimit: 20_000,
};

export const NO_LIMITS: ResolvedLimits = {
  searchPositionCap: null,
  searchCapMode: 'reject',
  cursorTtlSeconds: null,
  searchOmitPageRate: 0,
  searchOmitDataSourceRate: 0,
  computedReferenceLimit: null,
  markdownRecordLimit: null,
};

function checkCount(name: string, value: number | null): void {
  if (value !== null && !(Number.isInteger(value) && value >= 1))
    throw new RangeError(`limits.${name} must be a positive integer or null, got ${String(value)}`);
}

function checkRate(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`limits.${name} must be in [0, 1], got ${value}`);
}

/** Defaults filled in; `false` = every limit off. */
export function resolveLimits(options: LimitOptions | false | undefined): ResolvedLimits {
  if (options === false) return { ...NO_LIMITS };
  const resolved: ResolvedLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(options ?? {}) as (keyof LimitOptions)[]) {
    const value = options?.[key];
    if (value !== undefined) (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  checkCount('searchPositionCap', resolved.searchPositionCap);
  checkCount('computedReferenceLimit', resolved.computedReferenceLimit);
  checkCount('markdownRecordLimit', resolved.markdownRecordLimit);
  if (resolved.cursorTtlSeconds !== null && !(resolved.cursorTtlSeconds > 0))
    throw new RangeError(
      `limits.cursorTtlSeconds must be positive or null, got ${resolved.cursorTtlSeconds}`,
    );
  if (resolved.searchCapMode !== 'reject' && resolved.searchCapMode !== 'incomplete')
    throw new RangeError(`limits.searchCapMode must be 'reject' or 'incomplete'`);
  checkRate('searchOmitPageRate', resolved.searchOmitPageRate);
  checkRate('searchOmitDataSourceRate', resolved.searchOmitDataSourceRate);
  return resolved;
}

const LIMIT_KEYS: readonly (keyof LimitOptions)[] = [
  'searchPositionCap',
  'searchCapMode',
  'cursorTtlSeconds',
  'searchOmitPageRate',
  'searchOmitDataSourceRate',
  'computedReferenceLimit',
  'markdownRecordLimit',
];

/**
 * Parses the CLI's `--limits` value: `off`, or `key=value` pairs such as
 * `searchPositionCap=11200,cursorTtlSeconds=60,searchCapMode=incomplete` (`off` as a value = null).
 */
export function parseLimits(text: string): LimitOptions | false {
  if (text.trim() === 'off') return false;
  const options: Record<string, unknown> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [key, raw] = part.split('=');
    if (!key || raw === undefined) throw new Error(`--limits entries look like key=value, got "${part}"`);
    if (!(LIMIT_KEYS as readonly string[]).includes(key))
      throw new Error(`unknown limit "${key}" (limits: ${LIMIT_KEYS.join(', ')})`);
    if (key === 'searchCapMode') options[key] = raw;
    else if (raw === 'off' || raw === 'null') options[key] = null;
    else {
      const value = Number(raw);
      if (Number.isNaN(value)) throw new Error(`--limits ${key} must be a number or off, got "${raw}"`);
      options[key] = value;
    }
  }
  resolveLimits(options as LimitOptions);
  return options as LimitOptions;
}
