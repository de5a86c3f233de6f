import { readFileSync } from 'node:fs';
import { z } from 'zod';

// The fixtures: example responses of Notion's API reference, re-typed as JSON under fixtures/,
// one file per endpoint, each example naming the reference page it comes from and the API version
// that page shows.

const exampleSchema = z.strictObject({
  source: z.strictObject({
    /** The reference page (developers.notion.com) the example is re-typed from. */
    url: z.url(),
    /** The Notion-Version the page shows the example for. */
    notionVersion: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** What was changed from the page's example and why (ids made consistent, a field added). */
    note: z.string().optional(),
  }),
  /** The HTTP status of the example. Default 200. */
  status: z.number().int().default(200),
  /** Response headers (e.g. Retry-After). */
  headers: z.record(z.string(), z.string()).default({}),
  body: z.record(z.string(), z.unknown()),
});
export type ContractExample = z.output<typeof exampleSchema>;

const fixtureFileSchema = z.strictObject({
  /** The endpoint, as `METHOD /v1/path`. */
  endpoint: z.string().regex(/^(GET|POST) \/v1\//),
  examples: z.record(z.string(), exampleSchema),
});
export type ContractFixture = z.output<typeof fixtureFileSchema>;

const FIXTURES = new URL('../fixtures/', import.meta.url);

/** Every fixture file's name (without `.json`). */
export const FIXTURE_NAMES = [
  'users-me',
  'users-list',
  'search',
  'databases-retrieve',
  'data-sources-retrieve',
  'data-sources-query',
  'pages-retrieve',
  'pages-property-item',
  'blocks-children',
  'comments-list',
  'errors',
] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

/** A fixture file, checked against the fixture format. */
export function loadFixture(name: FixtureName): ContractFixture {
  const raw: unknown = JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8'));
  return fixtureFileSchema.parse(raw);
}

/** One example of a fixture file; a fresh copy each call, so a test may change it. */
export function fixtureExample(name: FixtureName, example: string): ContractExample {
  const found = loadFixture(name).examples[example];
  if (found === undefined) throw new Error(`fixtures/${name}.json has no example "${example}"`);
  return structuredClone(found);
}

/** The body of one example (a fresh copy). */
export function fixtureBody<T = Record<string, unknown>>(name: FixtureName, example: string): T {
  return fixtureExample(name, example).body as T;
}
