// The workspace package folders (packages/*, apps/*) and files inside them, without a glob library.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function packageDirs() {
  return ['packages', 'apps'].flatMap((group) =>
    existsSync(group)
      ? readdirSync(group, { withFileTypes: true })
          .filter((entry) => entry.isDirectory() && existsSync(join(group, entry.name, 'package.json')))
          .map((entry) => join(group, entry.name))
      : [],
  );
}

export function globSync(fileName) {
  return packageDirs()
    .map((dir) => join(dir, fileName))
    .filter((file) => existsSync(file));
}
