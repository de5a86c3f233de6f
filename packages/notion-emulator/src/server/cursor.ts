import { hashString } from '../random.js';

/** What an opaque cursor remembers about a listing. */
export interface CursorState {
  /** The listing it belongs to (route + parameters). */
  scope: string;
  /** Key of the next item. */
  key: string;
  /** Position of the next item when the cursor was issued (fallback when the key is gone). */
  pos: number;
  /** Results served before this page (search cursor expiry, 10k query cap). */
  served: number;
  /** Emulated time the listing started. */
  started: number;
}

export interface CursorCodec {
  encode(state: CursorState): string;
  decode(cursor: string): CursorState | undefined;
}

export function createCursorCodec(seed: number): CursorCodec {
  const sign = (payload: string): string => hashString(`${seed}:${payload}`).toString(36);
  return {
    encode(state) {
      const payload = Buffer.from(
        JSON.stringify([state.scope, state.key, state.pos, state.served, state.started]),
      ).toString('base64url');
      return `${payload}.${sign(payload)}`;
    },
    decode(cursor) {
      const dot = cursor.lastIndexOf('.');
      if (dot <= 0) return undefined;
      const payload = cursor.slice(0, dot);
      if (sign(payload) !== cursor.slice(dot + 1)) return undefined;
      try {
        const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        if (!Array.isArray(parsed) || parsed.length !== 5) return undefined;
        const [scope, key, pos, served, started] = parsed as unknown[];
        if (typeof scope !== 'string' || typeof key !== 'string') return undefined;
        if (typeof pos !== 'number' || typeof served !== 'number' || typeof started !== 'number')
          return undefined;
        return { scope, key, pos, served, started };
      } catch {
        return undefined;
      }
    },
  };
}
