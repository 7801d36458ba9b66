import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResponseStore } from './response-store.ts';
import { StoredResponses, type StoreSettings } from './stored-responses.ts';

const dir = mkdtempSync(join(tmpdir(), 'sy-rsettings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = (maxBytes: number): StoreSettings => ({
  enabled: true, ttlMs: 60_000, maxBytes, maxEntryBytes: 1 << 20, dataDir: dir, now: Date.now,
});
const storeOf = (s: StoredResponses) => (s as unknown as { shared(): { store: ResponseStore } }).shared().store;

test('an instance from before a reload that opens the shared store late keeps the newer settings', () => {
  const before = new StoredResponses(settings(1_000));
  const after = new StoredResponses(settings(2_000));
  expect(storeOf(after).maxBytes).toBe(2_000);
  // The old instance finishes a request begun before the reload: its first use of the store.
  expect(storeOf(before).maxBytes).toBe(2_000);
  const later = new StoredResponses(settings(3_000));
  expect(storeOf(later).maxBytes).toBe(3_000);
  for (const s of [before, after, later]) s.dispose();
});
