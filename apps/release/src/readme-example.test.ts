import { describe, expect, it } from 'vitest';
import { readmeExample } from './readme-example.js';

const readme = [
  '# pkg',
  '',
  '## Usage',
  '',
  '```sh',
  'npm i pkg',
  '```',
  '',
  '## Run it on its own',
  '',
  'Some words.',
  '',
  '```ts',
  "import { a } from 'pkg';",
  'a();',
  '```',
  '',
  '```ts',
  'second();',
  '```',
].join('\n');

describe('readmeExample', () => {
  it("returns the first code block of the section, whatever the heading's case", () => {
    expect(readmeExample(readme, 'run it on its own')).toBe("import { a } from 'pkg';\na();\n");
  });

  it('does not take a block from the next section', () => {
    expect(() => readmeExample('## A\n\ntext\n\n## B\n\n```js\nx\n```\n', 'A')).toThrow(/no code block/);
  });

  it('fails for a missing section or an unclosed block', () => {
    expect(() => readmeExample(readme, 'Options')).toThrow(/no "## Options" section/);
    expect(() => readmeExample('## A\n```js\nx\n', 'A')).toThrow(/unclosed/);
  });
});
