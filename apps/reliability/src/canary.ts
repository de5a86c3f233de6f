// The canary token: the only token the emulator accepts, and a value that must never show up in
// any output (stdout, stderr, the merged state or a document).

/** A canary token: a value that must never show up in any output. Not token-shaped on purpose, so
 * only the connector's own secret registration (not the shape redaction) can hide it. */
export function canaryToken(seed: number): string {
  let x = (seed * 2654435761) >>> 0 || 1;
  let tail = '';
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  for (let i = 0; i < 28; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    tail += alphabet[x % alphabet.length];
  }
  return `cnry-${tail}`;
}

/** Where the canary shows up: stdout/stderr lines, the state or documents. Empty when nowhere. */
export function findCanary(canary: string, ...texts: unknown[]): string[] {
  const hits: string[] = [];
  for (const text of texts) {
    const s = typeof text === 'string' ? text : JSON.stringify(text);
    if (s === undefined) continue;
    const at = s.indexOf(canary);
    if (at >= 0)
      hits.push(s.slice(Math.max(0, at - 80), at + canary.length + 20).replace(canary, '<CANARY>'));
  }
  return hits;
}
