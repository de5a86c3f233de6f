import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One Vitest project per workspace package; tests run against sources through the custom export
// condition, so nothing needs building first.
const condition = '@source-notion/source';
const root = dirname(fileURLToPath(import.meta.url));
const packageDirs = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, group, entry.name, 'package.json')))
    .map((entry) => join(group, entry.name)),
);

export default defineConfig({
  resolve: { conditions: [condition, 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: [condition, 'node', 'default'], externalConditions: [condition] } },
  test: {
    projects: packageDirs.map((dir) => ({
      extends: true as const,
      test: {
        name: dir.split('/')[1]!,
        root: join(root, dir),
        include: ['src/**/*.test.ts'],
        environment: 'node',
        testTimeout: 90_000,
      },
    })),
  },
});
