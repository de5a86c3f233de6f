import type { JsonSchema } from '@source-notion/core';
import { endpointConfigJsonSchema } from '@source-notion/core';
import type { OAuth2Spec, SpecResponse } from '@source-notion/flow-capture';
import { specResponse } from '@source-notion/flow-capture';
import { resourceConfigJsonSchema } from './resource-config.js';

export const DOCUMENTATION_URL = 'https://go.estuary.dev/source-notion';

function urlencoded(field: string): string {
  return `{{#urlencode}}{{{ ${field} }}}{{/urlencode}}`;
}

/**
 * Notion's OAuth flow for a public integration: the authorize URL, then a token exchange with
 * HTTP Basic client credentials and a JSON body. Notion issues no refresh token; the access
 * token lasts until the user revokes it.
 */
export const NOTION_OAUTH2: OAuth2Spec = {
  provider: 'notion',
  authUrlTemplate:
    'https://api.notion.com/v1/oauth/authorize' +
    `?client_id=${urlencoded('client_id')}` +
    `&redirect_uri=${urlencoded('redirect_uri')}` +
    '&response_type=code' +
    '&owner=user' +
    `&state=${urlencoded('state')}`,
  accessTokenUrlTemplate: 'https://api.notion.com/v1/oauth/token',
  accessTokenBody: JSON.stringify({
    grant_type: 'authorization_code',
    redirect_uri: '{{{ redirect_uri }}}',
    code: '{{{ code }}}',
  }),
  accessTokenHeaders: {
    Authorization: 'Basic {{#basicauth}}{{{ client_id }}}:{{{ client_secret }}}{{/basicauth}}',
    'Content-Type': 'application/json',
  },
  accessTokenResponseMap: { access_token: '/access_token' },
};

/** The resource config schema, with `stream` marked as what names a new binding's collection. */
export function bindingResourceSchema(): JsonSchema {
  const schema = resourceConfigJsonSchema();
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  const stream = properties?.stream;
  if (stream !== undefined && stream['x-collection-name'] === undefined) stream['x-collection-name'] = true;
  return schema;
}

/** The `spec` response: protocol 3032023, config and resource schemas, Notion's OAuth block. */
export function connectorSpec(): SpecResponse {
  return specResponse({
    configSchema: endpointConfigJsonSchema(),
    resourceConfigSchema: bindingResourceSchema(),
    documentationUrl: DOCUMENTATION_URL,
    oauth2: NOTION_OAUTH2,
    resourcePathPointers: ['/stream'],
  });
}
