import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePreviewArgs, readConfigFile } from './preview-command.js';

describe('parsePreviewArgs', () => {
  it('defaults the output directory and puts the state in it', () => {
    expect(parsePreviewArgs(['--config', 'c.yaml'], '/work')).toEqual({
      config: '/work/c.yaml',
      output: '/work/notion-preview',
      state: '/work/notion-preview/state.json',
      sessions: 1,
    });
  });

  it('takes every option', () => {
    expect(
      parsePreviewArgs(
        ['--config', 'c.yaml', '--state', 's.json', '--output', 'out', '--sessions', '3'],
        '/w',
      ),
    ).toEqual({
      config: '/w/c.yaml',
      state: '/w/s.json',
      output: '/w/out',
      sessions: 3,
    });
  });

  it('takes a local port to listen for webhooks on', () => {
    expect(parsePreviewArgs(['--config', 'c.yaml', '--webhook-port', '8787'], '/w')).toMatchObject({
      webhookPort: 8787,
      sessions: 1,
    });
    expect(() => parsePreviewArgs(['--config', 'c', '--webhook-port', '0'])).toThrow(
      /--webhook-port must be/,
    );
    expect(() => parsePreviewArgs(['--config', 'c', '--webhook-port', 'x'])).toThrow(
      /--webhook-port must be/,
    );
    expect(() => parsePreviewArgs(['--config', 'c', '--webhook-port', '9000', '--sessions', '2'])).toThrow(
      /drop --sessions/,
    );
  });

  it('rejects what it cannot use', () => {
    expect(() => parsePreviewArgs([])).toThrow(/--config is required/);
    expect(() => parsePreviewArgs(['--config', 'c', '--sessions', '0'])).toThrow(/--sessions must be/);
    expect(() => parsePreviewArgs(['--config', 'c', '--bogus'])).toThrow();
  });
});

describe('readConfigFile', () => {
  it('reads the YAML of a seed, turning timestamps into JSON strings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'preview-config-'));
    const path = join(dir, 'config.yaml');
    await writeFile(
      path,
      'credentials:\n  auth_type: token\n  token: test-token-abcdef\nstart_date: 2024-01-25T00:00:00.000Z\n',
    );
    expect(await readConfigFile(path)).toEqual({
      credentials: { auth_type: 'token', token: 'test-token-abcdef' },
      start_date: '2024-01-25T00:00:00.000Z',
    });
  });

  it('says what is wrong with a bad config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'preview-config-'));
    const path = join(dir, 'config.yaml');
    await writeFile(path, 'start_date: 2024-01-25\n');
    await expect(readConfigFile(path)).rejects.toThrow(/credentials/);
    await expect(readConfigFile(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read the config file/);
  });
});
