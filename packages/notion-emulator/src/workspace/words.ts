import type { Random } from '../random.js';

const WORDS = [
  'alpha',
  'roadmap',
  'quarterly',
  'review',
  'launch',
  'design',
  'budget',
  'customer',
  'feedback',
  'sprint',
  'planning',
  'retro',
  'hiring',
  'onboarding',
  'metrics',
  'growth',
  'pipeline',
  'research',
  'interview',
  'notes',
  'draft',
  'proposal',
  'architecture',
  'migration',
  'incident',
  'postmortem',
  'backlog',
  'priority',
  'release',
  'checklist',
  'vendor',
  'contract',
  'marketing',
  'campaign',
  'analysis',
  'forecast',
  'summary',
  'offsite',
  'agenda',
  'strategy',
  'experiment',
  'dashboard',
  'template',
  'wiki',
  'policy',
  'handbook',
  'process',
  'timeline',
  'goal',
  'milestone',
  'risk',
  'decision',
  'meeting',
  'weekly',
  'sync',
  'demo',
  'prototype',
  'support',
  'ticket',
  'query',
];
const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'Edsger',
  'Radia',
  'Tim',
  'Katherine',
  'John',
  'Hedy',
  'Guido',
  'Sophie',
  'Niklaus',
  'Shafi',
  'Donald',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Dijkstra',
  'Perlman',
  'Berners-Lee',
  'Johnson',
  'McCarthy',
  'Lamarr',
  'van Rossum',
  'Wilson',
  'Wirth',
  'Goldwasser',
  'Knuth',
];

export function words(rng: Random, min: number, max: number): string {
  const n = rng.int(min, max);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(rng.pick(WORDS));
  return out.join(' ');
}

export function sentence(rng: Random): string {
  const text = words(rng, 4, 14);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

export function title(rng: Random): string {
  const text = words(rng, 1, 4);
  return text
    .split(' ')
    .map((w) => `${w.charAt(0).toUpperCase()}${w.slice(1)}`)
    .join(' ');
}

export function personName(rng: Random, idx: number): string {
  return `${rng.pick(FIRST)} ${rng.pick(LAST)}${idx >= FIRST.length ? ` ${idx}` : ''}`;
}

export const EMOJIS = ['📄', '🗂️', '🚀', '📌', '🧭', '📊', '🛠️', '💡', '📝', '✅'];
