import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_NAMES, loadFixture } from './fixtures.js';

describe('fixtures', () => {
  it('every file under fixtures/ is listed, and every listed one exists', () => {
    const files = readdirSync(new URL('../fixtures/', import.meta.url))
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .sort();
    expect(files).toEqual([...FIXTURE_NAMES].sort());
  });

  it.each(FIXTURE_NAMES)('%s follows the fixture format and names a Notion reference page', (name) => {
    const fixture = loadFixture(name);
    expect(Object.keys(fixture.examples).length).toBeGreaterThan(0);
    for (const example of Object.values(fixture.examples)) {
      expect(example.source.url).toMatch(
        /^https:\/\/developers\.notion\.com\/(reference|changelog|guides)\//,
      );
      // Every body is one Notion answers: an object, a list or an error.
      expect(['user', 'list', 'database', 'data_source', 'page', 'property_item', 'error']).toContain(
        example.body.object,
      );
      if (example.status >= 400)
        expect(example.body).toMatchObject({ object: 'error', status: example.status });
    }
  });
});
