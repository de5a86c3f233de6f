import { describe, expect, it } from 'vitest';
import { recommendedNames } from './typed-discovery.js';

const A = '0a1b2c3d-0000-4000-8000-000000000001';
const B = '9f8e7d6c-0000-4000-8000-000000000002';
const C = '11112222-0000-4000-8000-000000000003';

describe('recommendedNames', () => {
  it("names a data source by its title, else its database's, as lowercase words", () => {
    const names = recommendedNames([
      { id: A, database: 'Roadmap', dataSource: 'Tasks & Bugs' },
      { id: B, database: 'Café Notes', dataSource: undefined },
      { id: C, database: undefined, dataSource: undefined },
    ]);
    expect([...names.values()]).toEqual(['tasks_bugs', 'cafe_notes', 'untitled']);
  });

  it('puts the database title first where names collide, and the id only where that is not enough', () => {
    const names = recommendedNames([
      { id: A, database: 'Roadmap', dataSource: 'Tasks' },
      { id: B, database: 'Support', dataSource: 'Tasks' },
      { id: C, database: 'Roadmap', dataSource: 'Pages' },
    ]);
    expect(names.get(A)).toBe('roadmap_tasks');
    expect(names.get(B)).toBe('support_tasks');
    // "pages" is a fixed collection.
    expect(names.get(C)).toBe('roadmap_pages');
    const same = recommendedNames([
      { id: A, database: 'Roadmap', dataSource: 'Tasks' },
      { id: B, database: 'Roadmap', dataSource: 'Tasks' },
    ]);
    expect([...same.values()]).toEqual(['roadmap_tasks_0a1b2c3d', 'roadmap_tasks_9f8e7d6c']);
  });
});
