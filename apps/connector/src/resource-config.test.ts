import { ConfigError } from '@source-notion/core';
import { describe, expect, it } from 'vitest';
import { parseResourceConfig, resourceConfigJsonSchema } from './resource-config.js';

describe('resource config', () => {
  it('defaults syncMode and keeps compat fields', () => {
    expect(parseResourceConfig({ stream: 'pages' })).toEqual({
      stream: 'pages',
      syncMode: 'incremental',
      interval: undefined,
      namespace: undefined,
      cursorField: undefined,
    });
    expect(
      parseResourceConfig({
        stream: 'blocks',
        syncMode: 'full_refresh',
        interval: 'PT1H',
        namespace: 'x',
        cursorField: ['last_edited_time'],
        other: 1,
      }),
    ).toMatchObject({
      stream: 'blocks',
      syncMode: 'full_refresh',
      interval: 'PT1H',
      cursorField: ['last_edited_time'],
    });
  });

  it("accepts a data source's typed rows, rows.<data source id>", () => {
    const stream = 'rows.84ec05fc-01bd-4595-bdb5-682d2905022a';
    expect(parseResourceConfig({ stream })).toMatchObject({ stream, syncMode: 'incremental' });
  });

  it.each([
    [{}, 'bindings[0].resourceConfig.stream', /is missing: set it to one of users, databases/],
    [
      { stream: 'rows.Projects' },
      'bindings[0].resourceConfig.stream',
      /"rows.Projects" does not name a data source: use rows.<data source id>/,
    ],
    [
      { stream: 'rows.84EC05FC-01BD-4595-BDB5-682D2905022A' },
      'bindings[0].resourceConfig.stream',
      /lowercase with dashes/,
    ],
    [{ stream: 'tasks' }, 'bindings[0].resourceConfig.stream', /"tasks" is not a Notion stream/],
    [
      { stream: 'pages', syncMode: 'append' },
      'bindings[0].resourceConfig.syncMode',
      /must be one of incremental, full_refresh/,
    ],
    [{ stream: 'pages', interval: 'soon' }, 'bindings[0].resourceConfig.interval', /is not a duration/],
    [null, 'bindings[0].resourceConfig', /is invalid/],
  ])('rejects %j naming %s', (raw, field, message) => {
    let error: unknown;
    try {
      parseResourceConfig(raw, 'bindings[0].resourceConfig');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    expect((error as ConfigError).message).toMatch(message);
  });

  it('publishes a JSON schema with the stream names', () => {
    expect(resourceConfigJsonSchema()).toMatchSnapshot();
  });
});
