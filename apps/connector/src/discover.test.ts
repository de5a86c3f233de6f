import { createSilentLogger } from '@source-notion/core';
import { describe, expect, it } from 'vitest';
import type { Capabilities } from './capabilities.js';
import { collectionSchema, discoveredBindings } from './discover.js';
import { connectorSpec, NOTION_OAUTH2 } from './spec.js';
import type { AnyStream } from './streams.js';
import { ALL_STREAMS } from './streams.js';

const full: Capabilities = {
  bot: {},
  readUsers: true,
  readContent: true,
  sharedSomething: true,
  readComments: true,
};

describe('connectorSpec', () => {
  it("publishes Notion's OAuth flow", () => {
    const { spec } = connectorSpec();
    expect(spec.protocol).toBe(3032023);
    expect(spec.oauth2).toBe(NOTION_OAUTH2);
    expect(NOTION_OAUTH2.authUrlTemplate).toBe(
      'https://api.notion.com/v1/oauth/authorize?client_id={{#urlencode}}{{{ client_id }}}{{/urlencode}}' +
        '&redirect_uri={{#urlencode}}{{{ redirect_uri }}}{{/urlencode}}&response_type=code&owner=user' +
        '&state={{#urlencode}}{{{ state }}}{{/urlencode}}',
    );
    expect(JSON.parse(NOTION_OAUTH2.accessTokenBody ?? '')).toEqual({
      grant_type: 'authorization_code',
      redirect_uri: '{{{ redirect_uri }}}',
      code: '{{{ code }}}',
    });
    expect(NOTION_OAUTH2.accessTokenHeaders?.Authorization).toBe(
      'Basic {{#basicauth}}{{{ client_id }}}:{{{ client_secret }}}{{/basicauth}}',
    );
    expect(NOTION_OAUTH2.accessTokenResponseMap).toEqual({ access_token: '/access_token' });
    const resource = spec.resourceConfigSchema as {
      properties: Record<string, Record<string, unknown>>;
      required?: string[];
    };
    expect(Object.keys(resource.properties)).toEqual(
      expect.arrayContaining(['stream', 'syncMode', 'interval', 'namespace', 'cursorField']),
    );
    expect(resource.properties.stream?.['x-collection-name']).toBe(true);
  });
});

describe('collectionSchema', () => {
  it("adds the deletion reduction beside a stream's own conditional", () => {
    const stream = {
      ...ALL_STREAMS[0],
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
      documentSchema: { type: 'object', if: { required: ['x'] }, then: { required: ['y'] } },
    } as AnyStream;
    const schema = collectionSchema(stream);
    expect(schema.if).toEqual({ required: ['x'] });
    expect(schema.allOf).toEqual([
      {
        if: { properties: { _meta: { properties: { op: { const: 'd' } } } } },
        // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
        then: { reduce: { strategy: 'merge', delete: true } },
      },
    ]);
  });
});

describe('discoveredBindings', () => {
  it('keeps every binding enabled when the token reads everything', () => {
    const { discovered } = discoveredBindings(ALL_STREAMS, full, createSilentLogger());
    expect(discovered.bindings.map((b) => [b.recommendedName, b.disable ?? false])).toEqual([
      ['users', false],
      ['databases', false],
      ['data_sources', false],
      ['pages', false],
      ['blocks', false],
      ['comments', false],
      ['page_markdown', false],
    ]);
    expect(
      discovered.bindings.every((b) => (b.resourceConfig as { stream: string }).stream === b.recommendedName),
    ).toBe(true);
  });

  it('disables only what the probe showed unreadable (an unknown comments capability stays on)', () => {
    const { discovered } = discoveredBindings(
      ALL_STREAMS,
      { ...full, readUsers: false, readComments: undefined },
      createSilentLogger(),
    );
    expect(discovered.bindings.filter((b) => b.disable).map((b) => b.recommendedName)).toEqual(['users']);
  });

  it("reads the capability each stream declares, not the stream's name", () => {
    const pages = ALL_STREAMS.find((stream) => stream.name === 'pages')!;
    const needsComments: AnyStream = { ...pages, capability: 'Read comments' };
    const { discovered } = discoveredBindings(
      [pages, needsComments],
      { ...full, readComments: false },
      createSilentLogger(),
    );
    expect(discovered.bindings.map((b) => b.disable ?? false)).toEqual([false, true]);
  });
});
