import { ConversationStore } from './conversation-store.ts';
import { ResponseStore } from './response-store.ts';
import type { StoreSettings } from './stored-responses.ts';

/** How often expired responses and stale conversations are deleted. */
const SWEEP_MS = 3_600_000;

/** The shared store as one plugin instance holds it. */
export interface SharedStore {
  store: ResponseStore;
  conversations: ConversationStore;
  release(): void;
}

/** One open database per file, shared by the instances a config reload makes; swept hourly. */
const OPEN = new Map<string, Shared>();
let generations = 0;

/** A number for a new plugin instance: later instances (later reloads) get larger ones. */
export function nextGeneration(): number {
  return ++generations;
}

interface Shared {
  store: ResponseStore;
  conversations: ConversationStore;
  /** How long an unchanged conversation is kept (the last reload's `store_ttl`). */
  ttlMs: number;
  /** The generation of the instance whose settings (`maxBytes`, `ttlMs`) apply. */
  settingsOf: number;
  refs: number;
  timer: ReturnType<typeof setInterval>;
}

/**
 * The shared store of `file`, with the settings of the newest instance that asked for it: an
 * old instance that opens the store only now, to finish a request begun before a reload, does
 * not put back the old settings.
 */
export function acquire(file: string, s: StoreSettings, generation: number): SharedStore {
  let open = OPEN.get(file);
  if (!open) {
    const entry: Shared = {
      store: new ResponseStore(file, s.maxBytes, s.box, s.onError), conversations: new ConversationStore(file, s.box, s.now),
      ttlMs: s.ttlMs, settingsOf: generation, refs: 0, timer: setInterval(() => sweep(entry, s.now()), SWEEP_MS),
    };
    entry.timer.unref?.();
    OPEN.set(file, (open = entry));
    sweep(entry, s.now());
  }
  if (generation >= open.settingsOf) {
    open.store.maxBytes = s.maxBytes;
    open.ttlMs = s.ttlMs;
    open.settingsOf = generation;
  }
  open.refs++;
  const shared = open;
  let released = false;
  return {
    store: shared.store,
    conversations: shared.conversations,
    release() {
      if (released) return;
      released = true;
      if (--shared.refs > 0) return;
      clearInterval(shared.timer);
      OPEN.delete(file);
      shared.store.close();
      shared.conversations.close();
    },
  };
}

/** Deletes expired responses and the conversations unchanged for the TTL. */
function sweep(e: Shared, now: number): void {
  e.store.sweep(now);
  e.conversations.sweep(now - e.ttlMs);
}
