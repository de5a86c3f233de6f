import { ConfigError } from '@source-notion/core';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_SWITCHES, environmentHelp, readEnvironment } from './environment.js';

describe('readEnvironment', () => {
  it('takes the defaults when a switch is unset or blank', () => {
    const defaults = {
      logLevel: 'info',
      notionApiBaseUrl: 'https://api.notion.com',
      timeScale: 1,
      statusIntervalMs: 10_000,
    };
    expect(readEnvironment({})).toEqual(defaults);
    expect(
      readEnvironment({
        LOG_LEVEL: ' ',
        NOTION_API_BASE_URL: '',
        SOURCE_NOTION_TIME_SCALE: '',
        SOURCE_NOTION_STATUS_INTERVAL_MS: '  ',
      }),
    ).toEqual(defaults);
  });

  it('reads every switch', () => {
    expect(
      readEnvironment({
        LOG_LEVEL: 'WARNING',
        NOTION_API_BASE_URL: 'http://127.0.0.1:4010/',
        SOURCE_NOTION_TIME_SCALE: '60',
        SOURCE_NOTION_CLOCK_START: '2030-01-01T00:00:00Z',
        SOURCE_NOTION_STATUS_INTERVAL_MS: '0',
        SOURCE_NOTION_BUNDLE: 'not ours: ignored',
      }),
    ).toEqual({
      logLevel: 'warn',
      notionApiBaseUrl: 'http://127.0.0.1:4010/',
      timeScale: 60,
      clockStartMs: Date.parse('2030-01-01T00:00:00Z'),
      statusIntervalMs: 0,
    });
    expect(readEnvironment({ SOURCE_NOTION_CLOCK_START: '1893456000000' }).clockStartMs).toBe(
      1_893_456_000_000,
    );
    expect(readEnvironment({ LOG_LEVEL: 'trace', SOURCE_NOTION_TIME_SCALE: '0.5' })).toMatchObject({
      logLevel: 'debug',
      timeScale: 0.5,
    });
  });

  it('names every switch with a value it does not take', () => {
    let error: unknown;
    try {
      readEnvironment({
        NOTION_API_BASE_URL: 'ftp://example.com',
        SOURCE_NOTION_TIME_SCALE: '-2',
        SOURCE_NOTION_CLOCK_START: 'yesterday',
        SOURCE_NOTION_STATUS_INTERVAL_MS: 'soon',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'bad environment: NOTION_API_BASE_URL must be an http(s) URL, got "ftp://example.com"; ' +
        'SOURCE_NOTION_TIME_SCALE must be a number above 0, got "-2"; ' +
        'SOURCE_NOTION_CLOCK_START must be an ISO 8601 time or epoch milliseconds, got "yesterday"; ' +
        'SOURCE_NOTION_STATUS_INTERVAL_MS must be a number of milliseconds, 0 or more, got "soon"',
    );
    expect(readEnvironment({ LOG_LEVEL: 'loud' }).logLevel).toBe('info');
    expect(() => readEnvironment({ SOURCE_NOTION_TIME_SCALE: 'fast' })).toThrow('SOURCE_NOTION_TIME_SCALE');
    expect(() => readEnvironment({ NOTION_API_BASE_URL: 'localhost' })).toThrow('NOTION_API_BASE_URL');
  });
});

describe('environmentHelp', () => {
  it('gives each switch one line', () => {
    const lines = environmentHelp().trimEnd().split('\n');
    expect(lines.map((line) => line.trim().split(/\s+/)[0])).toEqual(ENVIRONMENT_SWITCHES.map((s) => s.name));
  });
});
