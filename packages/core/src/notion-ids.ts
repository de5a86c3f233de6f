/**
 * Compact encodings of Notion ids for stream state.
 *
 * A Notion id is a UUID: 16 bytes. As base64url it takes 22 characters (the dashed form takes
 * 36), and a list of ids packed into one base64url string takes 21.33 characters per id. The
 * page streams keep, per page, the ids of the blocks or comments they captured this way, so that
 * a re-read page can emit deletions for the ones that disappeared: about 22 bytes per block.
 */

const HEX32 = /^[0-9a-f]{32}$/;

/** Writes the 16 bytes of a Notion id (dashed or not) at `offset`. Throws on anything that is not a UUID. */
function writeId(id: string, into: Buffer, offset: number): void {
  const hex = id.replace(/-/g, '').toLowerCase();
  if (!HEX32.test(hex)) throw new TypeError(`not a Notion id: ${JSON.stringify(id.slice(0, 60))}`);
  into.write(hex, offset, 16, 'hex');
}

/** The 16 bytes of a Notion id (dashed or not). Throws on anything that is not a UUID. */
function idBytes(id: string): Buffer {
  const bytes = Buffer.alloc(16);
  writeId(id, bytes, 0);
  return bytes;
}

function dashed(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** True for a UUID, dashed or not (what compactId accepts). */
export function isNotionId(id: string): boolean {
  return HEX32.test(id.replace(/-/g, '').toLowerCase());
}

/** A Notion id as 22 base64url characters (the key of per-page state entries). */
export function compactId(id: string): string {
  return idBytes(id).toString('base64url');
}

/** The dashed lowercase form of a compactId. */
export function expandId(compact: string): string {
  const bytes = Buffer.from(compact, 'base64url');
  if (bytes.length !== 16)
    throw new TypeError(`not a compact Notion id: ${JSON.stringify(compact.slice(0, 60))}`);
  return dashed(bytes.toString('hex'));
}

/** Packs ids into one base64url string, 16 bytes each (21.33 characters per id). */
export function packIds(ids: Iterable<string>): string {
  const list = [...ids];
  const buffer = Buffer.alloc(list.length * 16);
  list.forEach((id, i) => {
    writeId(id, buffer, i * 16);
  });
  return buffer.toString('base64url');
}

/** The dashed ids of a packIds string, in order. */
export function unpackIds(packed: string | undefined): string[] {
  if (packed === undefined || packed === '') return [];
  const bytes = Buffer.from(packed, 'base64url');
  if (bytes.length % 16 !== 0)
    throw new TypeError('packed ids are corrupt (length is not a multiple of 16 bytes)');
  const ids: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    ids.push(dashed(bytes.subarray(offset, offset + 16).toString('hex')));
  }
  return ids;
}
