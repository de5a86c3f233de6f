import {
  createNotionClient,
  createSilentLogger,
  type Logger,
  type NotionClient,
  type NotionVersion,
  parseEndpointConfig,
  type StreamContext,
} from '@source-notion/core';
import { createFakeClock, type FakeClock } from '@source-notion/core/testing';
import nock from 'nock';
import { createFetchDispatcher } from './fetch-dispatcher.js';

/** Where the SDK sends requests unless told otherwise; nock intercepts this origin. */
export const NOTION_ORIGIN = 'https://api.notion.com';

/** The contract tests' time: after every example's timestamps. */
export const CONTRACT_NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

let tokens = 0;

export interface ContractClientOptions {
  /** Default 2025-09-03 (the connector's default). */
  notionVersion?: NotionVersion;
  /** Default: a fake clock at CONTRACT_NOW. */
  clock?: FakeClock;
  logger?: Logger;
  /** Failed attempts in all (429s apart). Default 1: a failure surfaces at once. */
  maxAttempts?: number;
  /** Default 0: a 429 surfaces at once. */
  maxRateLimitRetries?: number;
}

export interface ContractClient {
  notion: NotionClient;
  clock: FakeClock;
  /** Drives `promise` on the fake clock (a Retry-After wait jumps time instead of sleeping). */
  run<T>(promise: Promise<T>): Promise<T>;
}

/**
 * Core's NotionClient exactly as the connector builds it (the SDK with its retry off, core's
 * transport, limiter and retries) against https://api.notion.com, its HTTP sent through the
 * global fetch that nock intercepts. Each client has a token (and so a rate limiter) of its own.
 */
export function createContractClient(options: ContractClientOptions = {}): ContractClient {
  const clock = options.clock ?? createFakeClock(CONTRACT_NOW);
  tokens += 1;
  const notion = createNotionClient({
    token: `contract-test-token-${tokens}`,
    notionVersion: options.notionVersion ?? '2025-09-03',
    baseUrl: NOTION_ORIGIN,
    logger: options.logger ?? createSilentLogger(),
    clock,
    requestsPerMinute: 100_000,
    retry: {
      maxAttempts: options.maxAttempts ?? 1,
      maxRateLimitRetries: options.maxRateLimitRetries ?? 0,
      random: () => 0.5,
    },
    dispatcher: createFetchDispatcher(),
    env: {},
  });
  return {
    notion,
    clock,
    run: (promise) => clock.runUntil(promise, { idle: () => notion.limiter.stats().inFlight === 0 }),
  };
}

export interface ContractContextOptions extends ContractClientOptions {
  /** Merged into the endpoint config (e.g. `{ start_date }`). */
  config?: Record<string, unknown>;
}

export type ContractContext = StreamContext & ContractClient;

/** A StreamContext on a contract client: what a stream's `read` gets in the connector. */
export function createContractContext(options: ContractContextOptions = {}): ContractContext {
  const client = createContractClient(options);
  const config = parseEndpointConfig(
    {
      credentials: { auth_type: 'token', token: 'contract-config-token' },
      start_date: '2020-01-01T00:00:00.000Z',
      ...options.config,
    },
    { now: new Date(client.clock.now()) },
  );
  return {
    ...client,
    logger: client.notion.logger,
    config,
    signal: new AbortController().signal,
  };
}

/** Blocks every connection nock does not answer, and forgets interceptors of an earlier test. */
export function isolateNetwork(): void {
  nock.cleanAll();
  nock.disableNetConnect();
}

/** Fails unless every interceptor of the test was used; then forgets them. */
export function assertAllRequestsMade(): void {
  const done = nock.isDone();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (!done) throw new Error(`requests the test expected were not made:\n${pending.join('\n')}`);
}
