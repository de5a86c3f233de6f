// Writes the skeleton of a workspace package: package.json, tsconfig.json, tsconfig.test.json,
// src/index.ts.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, name, description, deps = '', devDeps = '', refs = ''] = process.argv.slice(2);
const list = (s) => s.split(',').filter(Boolean);
const versions = {
  '@notionhq/client': '5.26.0',
  undici: '7.30.2',
  zod: '4.6.7',
  nock: '14.0.9',
  yaml: '2.9.1',
  'fast-check': '4.10.2',
  esbuild: '0.28.2',
};
const depObj = (names) =>
  Object.fromEntries(
    names.sort().map((n) => [n, n.startsWith('@source-notion/') ? 'workspace:~' : versions[n]]),
  );
mkdirSync(join(dir, 'src'), { recursive: true });
const pkg = {
  name,
  version: '0.0.0',
  private: true,
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  exports: {
    '.': {
      '@source-notion/source': './src/index.ts',
      types: './dist/index.d.ts',
      default: './dist/index.js',
    },
    './package.json': './package.json',
  },
  // What the tarball holds (copy the root LICENSE into the package), and the exports it carries:
  // pnpm pack applies publishConfig, so no source condition pointing at the unshipped src/.
  files: ['dist', 'LICENSE', '!dist/**/*.map', '!dist/**/*.tsbuildinfo'],
  publishConfig: {
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
    },
  },
  scripts: { test: `node ../../scripts/vitest-project.mjs` },
  dependencies: depObj(list(deps)),
  devDependencies: depObj(list(devDeps)),
};
if (!Object.keys(pkg.dependencies).length) delete pkg.dependencies;
if (!Object.keys(pkg.devDependencies).length) delete pkg.devDependencies;
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
// tsconfig.json builds src/ into dist/ without the tests; tsconfig.test.json typechecks the tests
// (no output) against it. Add both to the root tsconfig.json's references (the test config once
// src/ holds a test: tsc rejects a config with no input).
const tsconfig = {
  extends: '../../tsconfig.base.json',
  compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
  include: ['src'],
  exclude: ['src/**/*.test.ts'],
  references: list(refs).map((r) => ({ path: `../../${r}` })),
};
writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
const testTsconfig = {
  extends: '../../tsconfig.base.json',
  compilerOptions: { rootDir: 'src', noEmit: true, tsBuildInfoFile: 'dist/test.tsbuildinfo' },
  include: ['src/**/*.test.ts'],
  references: [{ path: './tsconfig.json' }],
};
writeFileSync(join(dir, 'tsconfig.test.json'), `${JSON.stringify(testTsconfig, null, 2)}\n`);
if (!existsSync(join(dir, 'src/index.ts'))) writeFileSync(join(dir, 'src/index.ts'), 'export {};\n');
