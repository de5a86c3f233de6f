import { setFlagsFromString } from 'node:v8';

/**
 * How far the old generation may grow past the live heap before the next full collection, in
 * percent of the live heap. V8's own factor goes up to 4× when its heap limit is 2 GB or more
 * (Node's default on a machine with 8 GB of memory or more). The connector's live heap is small
 * (about 35 MB capturing 400k blocks) but many of its objects live just long enough to leave the
 * young generation (documents held until their page's checkpoint, HTTP responses): at 4× its heap
 * reached 180 MB, most of it garbage waiting for a collection. At 1.5× it stays near 100 MB, for
 * about 5% more CPU time in the collector.
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * The V8 flags the connector sets on itself at start-up: --heap-growing-percent, unless node was
 * started with one (in its arguments or NODE_OPTIONS). V8 reads it at every full collection, so
 * setting it at run time works (unlike the heap size limits, which are fixed at start-up).
 */
export function heapFlags(execArgv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) =>
    /^--heap[-_]growing[-_]percent(=|$)/.test(arg),
  );
  return given ? [] : [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`];
}

/** Applies heapFlags to this process. */
export function configureHeap(
  execArgv: readonly string[] = process.execArgv,
  env: NodeJS.ProcessEnv = process.env,
): void {
  for (const flag of heapFlags(execArgv, env)) setFlagsFromString(flag);
}
