import type { GenerationContext } from './generation-context.js';
import { ID_KIND } from './ids.js';
import type { UserRecord } from './model.js';
import { personName } from './words.js';

export interface GeneratedUsers {
  users: UserRecord[];
  integrationUserIdx: number;
  /** Users that author content (people, the guest, another bot). */
  authorIdxs: number[];
  /** Draws the author of a new record: mostly a listed person. */
  author: () => number;
}

/** Users: people, the integration's bot, another bot, one guest (not listed). */
export function generateUsers(ctx: GenerationContext): GeneratedUsers {
  const { options, rng, codec } = ctx;
  const users: UserRecord[] = [];
  for (let i = 0; i < options.users; i++) {
    const name = personName(rng, i);
    users.push({
      idx: i,
      id: codec.encode(ID_KIND.user, i),
      type: 'person',
      name,
      email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.com`,
      avatarUrl: rng.chance(0.6)
        ? `https://s3-us-west-2.amazonaws.com/public.notion-static.com/avatar-${i}.png`
        : null,
      listed: true,
      integration: false,
      // The last person set no name: Notion-Version 2026-12-01 answers `name: null` for them.
      ...(i === options.users - 1 && options.users > 1 ? { nameless: true } : {}),
    });
  }
  const addUser = (partial: Omit<UserRecord, 'idx' | 'id'>): number => {
    const idx = users.length;
    users.push({ idx, id: codec.encode(ID_KIND.user, idx), ...partial });
    return idx;
  };
  const integrationUserIdx = addUser({
    type: 'bot',
    name: 'Estuary Capture',
    avatarUrl: null,
    listed: true,
    integration: true,
  });
  const otherBotIdx = addUser({
    type: 'bot',
    name: 'Calendar Sync',
    avatarUrl: null,
    listed: true,
    integration: false,
  });
  const guestIdx = addUser({
    type: 'person',
    name: 'Guest Contractor',
    email: 'guest@partner.example.org',
    avatarUrl: null,
    listed: false,
    integration: false,
  });
  const peopleIdxs = users.filter((u) => u.type === 'person' && u.listed).map((u) => u.idx);
  const authorIdxs = [...peopleIdxs, guestIdx, otherBotIdx];
  const author = (): number => (rng.chance(0.9) ? rng.pick(peopleIdxs) : rng.pick(authorIdxs));
  return { users, integrationUserIdx, authorIdxs, author };
}
