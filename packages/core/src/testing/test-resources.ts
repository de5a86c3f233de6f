/** Anything a test opens and must close: a local server, a stream test context. */
export interface Closable {
  close(): Promise<void> | void;
}

/** What a test opened; `closeAll()` (in afterEach) closes it, last opened first. */
export interface TestResources {
  /** Returns `resource`, to be closed by the next `closeAll()`. */
  add<T extends Closable>(resource: T): T;
  /** Closes everything added (each one even if another fails; then throws the first failure). */
  closeAll(): Promise<void>;
}

export function createTestResources(): TestResources {
  const open: Closable[] = [];
  return {
    add(resource) {
      open.push(resource);
      return resource;
    },
    async closeAll() {
      const failures: unknown[] = [];
      for (const resource of open.splice(0).reverse()) {
        try {
          await resource.close();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw failures[0];
    },
  };
}
