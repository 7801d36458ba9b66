import { afterAll, beforeAll } from 'bun:test';

/**
 * A file's set-up, started before its tests (`start`) and stopped after them (`stop`), as an
 * object whose fields read the started kit's: the tests use it as the kit itself.
 */
export function useKit<K extends object>(start: () => Promise<K>, stop: (kit: K) => Promise<void>): K {
  let kit: K | undefined;
  beforeAll(async () => {
    kit = await start();
  });
  afterAll(async () => {
    if (kit) await stop(kit);
  });
  return new Proxy({} as K, {
    get(_, field) {
      if (!kit) throw new Error('the kit is read before its beforeAll started it');
      return Reflect.get(kit, field);
    },
  });
}
