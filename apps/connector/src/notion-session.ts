import type { Clock, EndpointConfig, Logger, NotionClient } from '@source-notion/core';
import { createNotionClient, notionToken, registerSecret, sharedRateLimiter } from '@source-notion/core';
import type { ConnectorEnvironment } from './environment.js';

/** What the connector takes from its surroundings; injectable for tests. */
export interface Runtime {
  /** The environment switches, parsed (readEnvironment). */
  environment: ConnectorEnvironment;
  clock: Clock;
  logger: Logger;
}

/**
 * The one Notion client of a session: every binding shares it and so shares the token's rate
 * limiter. NOTION_API_BASE_URL points it at another server (emulators and tests only).
 */
export function openNotionClient(config: EndpointConfig, runtime: Runtime): NotionClient {
  const token = notionToken(config);
  registerSecret(token);
  const { clock, logger, environment } = runtime;
  const limiter = sharedRateLimiter(token, {
    requestsPerMinute: config.advanced.requests_per_minute,
    clock,
    logger,
  });
  return createNotionClient({
    token,
    notionVersion: config.advanced.notion_version,
    baseUrl: environment.notionApiBaseUrl,
    logger,
    clock,
    limiter,
  });
}
