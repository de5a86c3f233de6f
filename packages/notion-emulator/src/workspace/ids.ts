import { hashInts } from '../random.js';

/**
 * Deterministic, reversible UUIDs. Each id encodes (kind, a, b) — e.g. (block, page index, block
 * index) — in 60 bits scrambled by a seeded Feistel network, plus 60 bits of seeded checksum, so
 * ids look random, are stable for a seed, and the emulator finds an object from its id without an
 * index (the block trees of a 10k-page workspace are never all in memory).
 */
export const ID_KIND = {
  user: 1,
  database: 2,
  dataSource: 3,
  page: 4,
  block: 5,
  comment: 6,
  discussion: 7,
  workspace: 8,
  option: 9,
} as const;
export type IdKind = (typeof ID_KIND)[keyof typeof ID_KIND];

export interface DecodedId {
  kind: IdKind;
  a: number;
  b: number;
}

const MASK30 = 0x3fffffff;
const ROUNDS = 4;
const HEX = /^[0-9a-f]{32}$/;

export interface IdCodec {
  encode(kind: IdKind, a: number, b?: number): string;
  decode(id: string): DecodedId | undefined;
}

function hex(value: number, digits: number): string {
  return (value >>> 0)
    .toString(16)
    .padStart(8, '0')
    .slice(8 - digits);
}

/** Accepts dashed or undashed UUIDs, any case; returns the dashed lowercase form or undefined. */
export function normalizeUuid(text: string): string | undefined {
  const compact = text.toLowerCase().replace(/-/g, '');
  if (!HEX.test(compact)) return undefined;
  if (
    text.includes('-') &&
    !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(text)
  ) {
    return undefined;
  }
  return `${compact.slice(0, 8)}-${compact.slice(8, 12)}-${compact.slice(12, 16)}-${compact.slice(16, 20)}-${compact.slice(20)}`;
}

export function createIdCodec(seed: number): IdCodec {
  const keys = Array.from({ length: ROUNDS }, (_, i) => hashInts(seed, 0x1d, i));
  const round = (value: number, i: number): number => hashInts(value, keys[i] ?? 0) & MASK30;

  const encrypt = (hi: number, lo: number): [number, number] => {
    let left = hi;
    let right = lo;
    for (let i = 0; i < ROUNDS; i++) {
      const next = (left ^ round(right, i)) & MASK30;
      left = right;
      right = next;
    }
    return [left, right];
  };
  const decrypt = (hi: number, lo: number): [number, number] => {
    let left = hi;
    let right = lo;
    for (let i = ROUNDS - 1; i >= 0; i--) {
      const previous = (right ^ round(left, i)) & MASK30;
      right = left;
      left = previous;
    }
    return [left, right];
  };
  const check = (hi: number, lo: number): [number, number, number] => [
    hashInts(seed, hi, lo, 1),
    hashInts(seed, hi, lo, 2),
    hashInts(seed, hi, lo, 3),
  ];

  return {
    encode(kind, a, b = 0) {
      if (a < 0 || a >= 1 << 24 || b < 0 || b > 0xffffffff)
        throw new RangeError(`id out of range: ${kind}/${a}/${b}`);
      const hi = ((kind << 26) | (a << 2) | (b >>> 30)) & MASK30;
      const lo = b & MASK30;
      const [x, y] = encrypt(hi, lo);
      // 60 payload bits as 15 hex digits.
      const payload = hex(x >>> 2, 7) + hex(((x & 3) << 2) | (y >>> 28), 1) + hex(y & 0xfffffff, 7);
      const [c1, c2, c3] = check(x, y);
      const tail = hex(c1, 8) + hex(c2, 7);
      const variant = (8 + (c3 & 3)).toString(16);
      const h = `${payload.slice(0, 12)}4${payload.slice(12)}${variant}${tail}`;
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    decode(id) {
      const dashed = normalizeUuid(id);
      if (!dashed) return undefined;
      const h = dashed.replace(/-/g, '');
      if (h[12] !== '4') return undefined;
      const payload = h.slice(0, 12) + h.slice(13, 16);
      const x =
        ((Number.parseInt(payload.slice(0, 7), 16) << 2) | (Number.parseInt(payload[7] ?? '0', 16) >>> 2)) &
        MASK30;
      const y =
        (((Number.parseInt(payload[7] ?? '0', 16) & 3) << 28) | Number.parseInt(payload.slice(8), 16)) &
        MASK30;
      const [c1, c2, c3] = check(x, y);
      if (h.slice(17) !== hex(c1, 8) + hex(c2, 7) || h[16] !== (8 + (c3 & 3)).toString(16)) return undefined;
      const [hi, lo] = decrypt(x, y);
      const kind = (hi >>> 26) as IdKind;
      const a = (hi >>> 2) & 0xffffff;
      const b = ((hi & 3) * 0x40000000 + lo) >>> 0;
      return { kind, a, b };
    },
  };
}
