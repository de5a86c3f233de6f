import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCount } from '@source-notion/connector';
import { startEmulator } from '@source-notion/notion-emulator';
import { FIXED_COLLECTIONS, typedCollections, typedRowExample, widestTypedCollection } from './demo-typed.js';
import {
  applyMutation,
  describeMutation,
  loadDemoWorkspaceFile,
  plannedMutations,
  rebuildWorkspace,
  saveDemoWorkspaceFile,
} from './demo-workspace.js';

export interface DemoOptions {
  /** The connector bundle (dist/source-notion.mjs). */
  bundle: string;
  /** Where the demo keeps its workspace, config, state and captured collections. */
  outputDir: string;
  write: (text: string) => void;
}

/** The emulator allows this many requests a minute in the demo (Notion: 180, or 600 on Enterprise). */
const DEMO_RPM = 600;

function runPreviewProcess(bundle: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, 'preview', ...args], { stdio: 'inherit', env });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function countLines(file: string): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '').length;
}

function pageTitle(doc: Record<string, unknown>): string | undefined {
  const properties = doc.properties;
  if (!Array.isArray(properties)) return undefined;
  for (const property of properties as Array<{
    value?: { type?: string; title?: Array<{ plain_text?: string }> };
  }>) {
    if (property.value?.type === 'title')
      return property.value.title?.map((t) => t.plain_text ?? '').join('');
  }
  return undefined;
}

/** Lines of a page's Markdown the demo prints. */
const MARKDOWN_LINES = 24;

/**
 * One captured page_markdown document to show: the one with the most Markdown that fits in
 * MARKDOWN_LINES lines (else the first), or undefined when none was captured.
 */
function markdownSample(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  const docs = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((doc) => typeof doc.markdown === 'string' && doc.markdown !== '');
  const lines = (doc: Record<string, unknown>) => String(doc.markdown).split('\n').length;
  const fitting = docs.filter((doc) => lines(doc) <= MARKDOWN_LINES);
  return fitting.sort((a, b) => String(b.markdown).length - String(a.markdown).length)[0] ?? docs[0];
}

/**
 * The demo: a sample Notion workspace in the emulator, captured by `source-notion preview`
 * exactly as Flow would run the connector. The workspace, its edits, the connector state and
 * the collections persist in `outputDir`, so the next run applies a few edits and captures only
 * what changed.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const { outputDir, write } = options;
  await mkdir(outputDir, { recursive: true });
  const workspaceFile = join(outputDir, 'workspace.json');
  const file = loadDemoWorkspaceFile(workspaceFile, Date.now());
  let workspace: ReturnType<typeof rebuildWorkspace>;
  try {
    workspace = rebuildWorkspace(file);
  } catch (error) {
    write(
      `The demo workspace in ${outputDir} cannot be rebuilt (${(error as Error).message}); delete that directory to start over.\n`,
    );
    return 1;
  }
  const run = file.runs + 1;

  write(
    `\nsource-notion demo, run ${run}: a ${file.size} sample workspace in the Notion emulator (${outputDir})\n`,
  );
  if (run > 1) {
    const mutations = plannedMutations(workspace, run, Date.now());
    write(`\nChanging the workspace before this capture:\n`);
    for (const mutation of mutations) {
      applyMutation(workspace, mutation);
      write(`  - ${describeMutation(workspace, mutation)}\n`);
    }
    file.mutations.push(...mutations);
  }
  file.runs = run;
  await saveDemoWorkspaceFile(workspaceFile, file);

  const emulator = await startEmulator({ workspace, rpm: DEMO_RPM });
  try {
    const configPath = join(outputDir, 'config.yaml');
    await writeFile(
      configPath,
      [
        "# The endpoint config, as in a Flow capture spec; the token is the emulator's.",
        'credentials:',
        '  auth_type: token',
        `  token: ${emulator.token}`,
        'start_date: "2000-01-01T00:00:00Z"',
        'advanced:',
        `  requests_per_minute: ${DEMO_RPM}`,
        '',
      ].join('\n'),
    );
    const collections = join(outputDir, 'collections');
    write(`\nRunning: source-notion preview --config ${configPath} --output ${collections}\n\n`);
    const code = await runPreviewProcess(
      options.bundle,
      ['--config', configPath, '--output', collections, '--state', join(outputDir, 'state.json')],
      { ...process.env, NOTION_API_BASE_URL: emulator.url },
    );
    if (code !== 0) {
      write(`\nThe preview failed (exit ${code}); see the message above.\n`);
      return code;
    }
    const pagesFile = join(collections, 'pages.jsonl');
    const sample = existsSync(pagesFile)
      ? readFileSync(pagesFile, 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .slice(0, 3)
          .map((line) => JSON.parse(line) as Record<string, unknown>)
      : [];
    write('\nCaptured collections (one JSON document per line, reduced by id, deletions applied):\n');
    const typed = typedCollections(collections);
    for (const name of [...FIXED_COLLECTIONS, ...typed]) {
      const path = join(collections, `${name}.jsonl`);
      write(`  ${name.padEnd(13)} ${formatCount(countLines(path)).padStart(6)} documents  ${path}\n`);
    }
    write(`  (${typed.join(', ')}: one collection per data source, its rows as typed columns)\n`);
    if (sample.length > 0) {
      write('\nFor example, pages:\n');
      for (const doc of sample)
        write(`  ${String(doc.id)}  "${pageTitle(doc) ?? ''}"  edited ${String(doc.last_edited_time)}\n`);
    }
    const markdown = markdownSample(join(collections, 'page_markdown.jsonl'));
    if (markdown) {
      const lines = String(markdown.markdown).split('\n');
      write(
        `\nAnd one page as Markdown (page_markdown, Notion-flavored Markdown v2): "${String(markdown.title)}"\n\n`,
      );
      for (const line of lines.slice(0, MARKDOWN_LINES)) write(`  │ ${line}\n`);
      if (lines.length > MARKDOWN_LINES) write(`  │ … (${lines.length - MARKDOWN_LINES} more lines)\n`);
    }
    const widest = widestTypedCollection(collections, typed);
    const example = widest === undefined ? undefined : typedRowExample(collections, widest);
    if (example !== undefined) {
      write(`\nOne row as a typed table (${widest}) and in the raw pages collection:\n${example}`);
    }
    write(
      run === 1
        ? '\nRun `pnpm demo` again: it edits a few pages and the capture picks up only those changes.\n'
        : '\nThis run captured only what changed since the last one (the "captured" column above).\n' +
            `Delete ${outputDir} to start over from a full backfill.\n`,
    );
    return 0;
  } finally {
    await emulator.close();
  }
}
