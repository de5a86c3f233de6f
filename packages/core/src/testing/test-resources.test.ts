import { describe, expect, it } from 'vitest';
import { createTestResources } from './test-resources.js';

describe('createTestResources', () => {
  it('closes everything added, last added first, once', async () => {
    const closed: string[] = [];
    const resources = createTestResources();
    const server = resources.add({ name: 'server', close: async () => void closed.push('server') });
    resources.add({ close: () => void closed.push('context') });
    expect(server.name).toBe('server');
    await resources.closeAll();
    expect(closed).toEqual(['context', 'server']);
    await resources.closeAll();
    expect(closed).toEqual(['context', 'server']);
  });

  it('closes the rest when one close fails, then throws that failure', async () => {
    const closed: string[] = [];
    const resources = createTestResources();
    resources.add({ close: () => void closed.push('first') });
    resources.add({
      close: () => {
        throw new Error('boom');
      },
    });
    await expect(resources.closeAll()).rejects.toThrow('boom');
    expect(closed).toEqual(['first']);
  });
});
