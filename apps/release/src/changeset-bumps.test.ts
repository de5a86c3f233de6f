import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { changesetBumps } from './changeset-bumps.js';

// `changeset version` on a copy of this workspace's manifests and .changeset/config.json: a
// changeset bumps the packages it names, not their dependents (internal ranges are workspace:~,
// so a patch of a dependency stays in range).
const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('changeset version', () => {
  it('bumps only a stream package when the changeset names only it', async () => {
    const bumps = await changesetBumps(root, { '@source-notion/stream-users': 'patch' });
    expect([...bumps.keys()]).toEqual(['@source-notion/stream-users']);
  });

  it('bumps only core, not the streams and apps that depend on it, for a patch of core', async () => {
    const bumps = await changesetBumps(root, { '@source-notion/core': 'patch' });
    expect([...bumps.keys()]).toEqual(['@source-notion/core']);
  });

  it('bumps every named package and only those', async () => {
    const bumps = await changesetBumps(root, {
      '@source-notion/core': 'patch',
      '@source-notion/stream-pages': 'patch',
      '@source-notion/connector': 'patch',
    });
    expect([...bumps.keys()].sort()).toEqual([
      '@source-notion/connector',
      '@source-notion/core',
      '@source-notion/stream-pages',
    ]);
  });

  it('also bumps the dependents of a package whose new version leaves their ~ range (a minor of core)', async () => {
    const bumps = await changesetBumps(root, { '@source-notion/core': 'minor' });
    expect(bumps.get('@source-notion/core')).toBe('0.1.0');
    expect(bumps.get('@source-notion/stream-users')).toBe('0.0.1');
    expect(bumps.has('@source-notion/notion-emulator')).toBe(false);
  });
});
