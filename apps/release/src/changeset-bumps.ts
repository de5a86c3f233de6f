import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { plainEnv, runCommand } from './run-command.js';

export type BumpType = 'patch' | 'minor' | 'major';

const manifestSchema = z.looseObject({ name: z.string(), version: z.string() });

async function workspaceManifests(root: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of await readdir(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const manifest = join(group, entry.name, 'package.json');
      if (
        await readFile(join(root, manifest)).then(
          () => true,
          () => false,
        )
      )
        dirs.push(manifest);
    }
  }
  return dirs;
}

async function versions(root: string, manifests: readonly string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const manifest of manifests) {
    const pkg = manifestSchema.parse(JSON.parse(await readFile(join(root, manifest), 'utf8')));
    result.set(pkg.name, pkg.version);
  }
  return result;
}

/**
 * What `changeset version` would bump for one changeset naming `releases`: runs the changesets CLI
 * on a temporary copy of the workspace's manifests and changeset config (never on the workspace
 * itself) and returns each package whose version moved, with its new version.
 */
export async function changesetBumps(
  root: string,
  releases: Readonly<Record<string, BumpType>>,
): Promise<Map<string, string>> {
  const copy = await mkdtemp(join(tmpdir(), 'source-notion-changeset-'));
  try {
    const manifests = await workspaceManifests(root);
    await mkdir(join(copy, '.changeset'));
    for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json', ...manifests]) {
      await mkdir(join(copy, file, '..'), { recursive: true });
      await copyFile(join(root, file), join(copy, file));
    }
    const frontMatter = Object.entries(releases).map(([name, type]) => `'${name}': ${type}`);
    await writeFile(join(copy, '.changeset/probe.md'), `---\n${frontMatter.join('\n')}\n---\n\nA probe.\n`);
    const before = await versions(copy, manifests);
    const cli = createRequire(import.meta.url).resolve('@changesets/cli/bin.js');
    await runCommand(process.execPath, [cli, 'version'], { cwd: copy, env: plainEnv() });
    const after = await versions(copy, manifests);
    return new Map([...after].filter(([name, version]) => before.get(name) !== version));
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}
