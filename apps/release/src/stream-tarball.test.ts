import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as coreSource from '@source-notion/core';
import { createTestResources } from '@source-notion/core/testing';
import { startTestEmulator } from '@source-notion/notion-emulator';
import * as usersSource from '@source-notion/stream-users';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTarballs } from './install-tarballs.js';
import { type PackedPackage, packPackage } from './pack-package.js';
import { readmeExample } from './readme-example.js';
import { plainEnv, runCommand } from './run-command.js';
import { stripTypes, typeCheckFile } from './typescript-example.js';

// Every library package packs into a tarball fit for plain Node; and one stream package end to
// end, as someone outside the workspace gets it: core and the users stream installed into an empty
// directory with plain npm, imported on plain Node, and the README's "Run it on its own" example
// (type-checked against the installed types, then its types erased) run against the emulator.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const libraries = [
  'core',
  'flow-capture',
  'notion-emulator',
  'stream-blocks',
  'stream-comments',
  'stream-data-sources',
  'stream-databases',
  'stream-page-markdown',
  'stream-pages',
  'stream-typed-rows',
  'stream-users',
] as const;
const names = ['core', 'stream-users'] as const;

let work = '';
let app = '';
const packed = new Map<string, PackedPackage>();
const opened = createTestResources();

beforeAll(async () => {
  // The tarballs hold dist: build it (next to nothing to do after `tsc -b`, which `pnpm check` runs first).
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const projects = libraries.map((name) => `packages/${name}`);
  await runCommand(process.execPath, [tsc, '-b', ...projects], { cwd: root, timeoutMs: 300_000 });
  work = await mkdtemp(join(tmpdir(), 'source-notion-tarball-'));
  app = join(work, 'app');
  await mkdir(app);
  for (const name of libraries) packed.set(name, await packPackage(join(root, 'packages', name), work));
  await installTarballs(
    app,
    names.map((name) => packed.get(name)!.filename),
  );
}, 600_000);

afterAll(async () => {
  await opened.closeAll();
  if (work) await rm(work, { recursive: true, force: true });
});

const installed = (name: string, file: string) => join(app, 'node_modules/@source-notion', name, file);

/** The package.json inside a tarball, as pnpm pack wrote it. */
async function packedManifest(tarball: string): Promise<string> {
  return (await runCommand('tar', ['-xzOf', tarball, 'package/package.json'], { cwd: work })).stdout;
}

describe('every library package, packed', () => {
  it.each(libraries)('%s holds dist (JavaScript and types), its README and LICENSE, nothing else', (name) => {
    const files = packed
      .get(name)!
      .files.map((file) => file.path)
      .sort();
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js']));
    expect(files).toContain('dist/index.d.ts');
    const stray = files.filter(
      (file) =>
        !['LICENSE', 'README.md', 'package.json'].includes(file) && !/^dist\/.+(\.js|\.d\.ts)$/.test(file),
    );
    expect(stray).toEqual([]);
  });

  it.each(libraries)(
    '%s has a manifest for plain Node: no source condition, no workspace range',
    async (name) => {
      const text = await packedManifest(packed.get(name)!.filename);
      expect(text).not.toContain('@source-notion/source');
      expect(text).not.toContain('workspace:');
      const manifest = JSON.parse(text);
      expect(manifest.license).toBe('MIT');
      expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    },
  );
});

describe('core and stream-users, installed with npm', () => {
  it.each(names)('%s installs with its LICENSE and no sources', async (name) => {
    expect(await readFile(installed(name, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    await expect(readFile(installed(name, 'src/index.ts'))).rejects.toThrow(/ENOENT/);
  });

  it('stream-users depends on a range of core that the packed core satisfies', async () => {
    const manifest = JSON.parse(await readFile(installed('stream-users', 'package.json'), 'utf8'));
    expect(manifest.dependencies['@source-notion/core']).toBe(`~${packed.get('core')!.version}`);
  });

  it('imports on plain Node with the same exports as the sources', async () => {
    const script = `
      const core = await import('@source-notion/core');
      const users = await import('@source-notion/stream-users');
      process.stdout.write(JSON.stringify({ core: Object.keys(core).sort(), users: Object.keys(users).sort() }));
    `;
    const { stdout } = await runCommand(process.execPath, ['--input-type=module', '-e', script], {
      cwd: app,
      env: plainEnv(),
    });
    expect(JSON.parse(stdout)).toEqual({
      core: Object.keys(coreSource).sort(),
      users: Object.keys(usersSource).sort(),
    });
  });

  it("runs the README's example on its own against the emulator and prints every user", async () => {
    const readme = await readFile(installed('stream-users', 'README.md'), 'utf8');
    const example = readmeExample(readme, 'Run it on its own');
    await writeFile(join(app, 'example.ts'), example);
    expect(typeCheckFile(join(app, 'example.ts'), [join(root, 'node_modules/@types')])).toEqual([]);
    await writeFile(join(app, 'example.mjs'), stripTypes(example));

    const emulator = opened.add(
      await startTestEmulator({ workspace: { seed: 7, size: 'tiny', now: Date.UTC(2025, 0, 1) } }),
    );
    const { stdout } = await runCommand(process.execPath, ['example.mjs'], {
      cwd: app,
      env: plainEnv({ NOTION_API_BASE_URL: emulator.url, NOTION_TOKEN: emulator.token }),
    });
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    const printed = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .sort(byId);
    const expected = emulator
      .groundTruth()
      .users.map((user) =>
        JSON.parse(JSON.stringify(usersSource.userDocument(usersSource.userResponseSchema.parse(user)))),
      )
      .sort(byId);
    expect(expected.length).toBeGreaterThan(0);
    expect(printed).toEqual(expected);
  });
});
