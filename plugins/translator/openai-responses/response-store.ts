import type { Database, Statement } from 'bun:sqlite';
import { openText, sealText } from '../../../core/crypto/sealed-text.ts';
import { openSideDatabase } from '../../../core/db/open-side-database.ts';
import { RESPONSES_DB } from './responses-db.ts';
import type { SecretBox } from '../../../core/plugin/types.ts';

/** One stored response as the database holds it. */
export interface StoredResponse {
  id: string;
  /** The client key that created it ('' without one): only that key can read, chain or delete it. */
  keyId: string;
  previousId: string | null;
  createdAt: number;
  expiresAt: number;
  /** This request's own input items (Responses format), without the chain before it. */
  input: unknown[];
  /** The response object; its reasoning items keep what a replay needs (`encrypted_content`). */
  response: Record<string, unknown>;
}

interface Row {
  id: string;
  key_id: string;
  previous_id: string | null;
  created_at: number;
  expires_at: number;
  /** `{input, response}` as JSON: sealed when `sealed_with` names the key, else UTF-8 text. */
  payload: Uint8Array;
  sealed_with: string | null;
}

/** How far back `history` follows `previous_response_id` links. */
export const MAX_CHAIN = 1000;
/** Longest wait of a queued response before it is written, and the queue length that writes at once. */
const FLUSH_MS = 100;
const FLUSH_AT = 64;
/** Conversations whose expanded history is kept in memory (the next turn extends it). */
const RECENT_HISTORIES = 64;
/** Older responses indexed per step of the backfill. */
const BACKFILL_BATCH = 256;
/** Responses whose items are kept by id after a lookup (the references of one request mostly name one or two). */
const RECENT_ITEM_MAPS = 8;

/** An expanded history, valid until the first of its responses expires. */
interface Expanded {
  items: readonly unknown[];
  expiresAt: number;
}

/**
 * Stored Responses in their own SQLite file (`<data-dir>/responses.db`, WAL), apart from the
 * gateway database: deleting the file forgets every stored response and nothing else. Prompts
 * hold what coding agents read (keys in `.env` files too), so with a `box` each row's input and
 * response are sealed with the gateway's key ring (AES-256-GCM, bound to the row's id and key);
 * a row whose key was rotated away no longer opens and counts as gone. Rows expire after their
 * TTL; past `maxBytes` in total the oldest go first.
 *
 * Writes are queued and written together, in one transaction, at most 100 ms later (at once
 * past 64 queued): a commit per response cost ~30 µs of CPU alone, ~100 µs under load. Reads see
 * the queue, so a follow-up request that comes first still finds its previous response. A crash
 * loses at most that queue. Throws when the file cannot be opened or has a newer schema.
 */
export class ResponseStore {
  private readonly db: Database;
  private readonly insert: Statement;
  private readonly select: Statement<Row, [string, string, number]>;
  private readonly del: Statement;
  private total: number;
  /**
   * The last histories expanded, by `keyId \0 id`: a conversation continued turn after turn reads
   * one row per turn instead of its whole chain. Emptied by any delete.
   */
  private readonly recent = new Map<string, Expanded>();
  /** Responses written by the next flush, by `keyId \0 id`, with their row and the ids of their items. */
  private readonly queued = new Map<string, Queued>();
  /** The queue's items by `keyId \0 item id`, naming the response the index will name; built when first asked. */
  private queuedItems: Map<string, string> | undefined;
  /**
   * The items of the responses `item` looked in last, by `keyId \0 response id`: each reference
   * of a request costs a map lookup, not a read and parse of the whole response. Emptied by any
   * delete; an entry goes when its response is stored again.
   */
  private readonly itemMaps = new Map<string, { items: ReadonlyMap<string, unknown>; expiresAt: number }>();
  private readonly selectItem: Statement<{ response_id: string }, [string, string]>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private soon = false;
  private readonly writeQueued: () => void;
  private readonly insertItem: Statement;
  /** Responses stored before the item index existed are still being indexed (`indexOlder`). */
  private backfilling: boolean;
  private backfillTimer: ReturnType<typeof setTimeout> | undefined;

  /** Total size (bytes of stored JSON) past which the oldest responses are deleted. */
  constructor(file: string, public maxBytes: number, private readonly box?: SecretBox, onError: (err: unknown) => void = () => {}) {
    this.db = openSideDatabase(file, RESPONSES_DB);
    this.insert = this.db.prepare(
      `INSERT OR REPLACE INTO responses (id, key_id, previous_id, created_at, expires_at, bytes, payload, sealed_with)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.select = this.db.prepare('SELECT * FROM responses WHERE id = ? AND key_id = ? AND expires_at > ?');
    this.del = this.db.prepare('DELETE FROM responses WHERE id = ? AND key_id = ?');
    this.selectItem = this.db.prepare('SELECT response_id FROM response_items WHERE key_id = ? AND item_id = ?');
    const insertItem = (this.insertItem = this.db.prepare('INSERT OR REPLACE INTO response_items (key_id, item_id, response_id) VALUES (?, ?, ?)'));
    this.total = (this.db.query('SELECT COALESCE(SUM(bytes), 0) AS n FROM responses').get() as { n: number }).n;
    const writeAll = this.db.transaction((all: Queued[]) => {
      for (const q of all) {
        this.insert.run(...(q.row as Parameters<Statement['run']>));
        for (const itemId of q.itemIds) insertItem.run(q.response.keyId, itemId, q.response.id);
      }
    });
    this.writeQueued = () => {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.soon = false;
      if (this.queued.size === 0) return;
      const all = [...this.queued.values()];
      this.queued.clear();
      this.queuedItems = undefined;
      try {
        writeAll(all);
        if (this.total > this.maxBytes) this.trim();
      } catch (e) {
        // A full disk or a locked file: these responses are not kept; the gateway goes on.
        this.recount();
        this.itemMaps.clear();
        onError(e);
      }
    };
    this.backfilling = this.db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'response_items_backfill'").get() !== null;
    if (this.backfilling) this.scheduleBackfill();
  }

  /**
   * Indexes the items of up to `limit` responses stored before the item index existed; answers
   * whether any are left. The list's table is dropped once it is done.
   */
  indexOlder(limit: number): boolean {
    if (!this.backfilling) return false;
    const todo = this.db.query('SELECT id, key_id FROM response_items_backfill LIMIT ?').all(limit) as Array<{ id: string; key_id: string }>;
    const done = this.db.prepare('DELETE FROM response_items_backfill WHERE id = ? AND key_id = ?');
    const selectRow = this.db.prepare('SELECT * FROM responses WHERE id = ? AND key_id = ?');
    this.db.transaction(() => {
      for (const { id, key_id } of todo) {
        const row = selectRow.get(id, key_id) as Row | null;
        const json = row && openText(this.box, row.payload, row.sealed_with, aadOf(row.id, row.key_id));
        if (json) {
          const { input, response } = JSON.parse(json) as Pick<StoredResponse, 'input' | 'response'>;
          for (const item of [...input, ...outputOf({ response })]) {
            const itemId = idOf(item);
            if (itemId !== undefined) this.insertItem.run(key_id, itemId, id);
          }
        }
        done.run(id, key_id);
      }
      if (todo.length < limit) this.db.exec('DROP TABLE response_items_backfill');
    })();
    this.backfilling = todo.length >= limit;
    return this.backfilling;
  }

  /** Indexes older responses a batch at a time while the gateway serves. */
  private scheduleBackfill(): void {
    this.backfillTimer = setTimeout(() => {
      try {
        if (this.indexOlder(BACKFILL_BATCH)) this.scheduleBackfill();
      } catch {
        this.backfilling = false; // a locked or damaged file: `item` misses those, as before
      }
    }, 10);
    this.backfillTimer.unref?.();
  }

  put(r: StoredResponse): void {
    const json = JSON.stringify({ input: r.input, response: r.response });
    const { payload, sealedWith } = sealText(this.box, json, aadOf(r.id, r.keyId));
    const bytes = payload.byteLength;
    const row = [r.id, r.keyId, r.previousId, r.createdAt, r.expiresAt, bytes, payload, sealedWith];
    const itemIds: string[] = [];
    for (const item of [...r.input, ...outputOf(r)]) {
      const id = idOf(item);
      if (id !== undefined) itemIds.push(id);
    }
    this.queued.set(`${r.keyId}\0${r.id}`, { response: r, row, itemIds });
    this.queuedItems = undefined;
    this.itemMaps.delete(`${r.keyId}\0${r.id}`);
    this.total += bytes;
    if (this.queued.size >= FLUSH_AT) {
      if (!this.soon) {
        this.soon = true;
        setImmediate(this.writeQueued);
      }
    } else if (!this.timer) {
      this.timer = setTimeout(this.writeQueued, FLUSH_MS);
      this.timer.unref?.();
    }
  }

  /** Writes the queued responses now (shutdown, and before deletes and scans). */
  flush(): void {
    if (this.queued.size > 0) this.writeQueued();
  }

  /** The live response `id` of `keyId`, or undefined (unknown, expired, another key's, or sealed with a key no longer in the ring). */
  get(id: string, keyId: string, now: number): StoredResponse | undefined {
    const waiting = this.queued.get(`${keyId}\0${id}`)?.response;
    if (waiting) return waiting.expiresAt > now ? waiting : undefined;
    const row = this.select.get(id, keyId, now);
    if (!row) return undefined;
    const json = openText(this.box, row.payload, row.sealed_with, aadOf(row.id, row.key_id));
    if (json === undefined) return undefined;
    const { input, response } = JSON.parse(json) as Pick<StoredResponse, 'input' | 'response'>;
    return { id: row.id, keyId: row.key_id, previousId: row.previous_id, createdAt: row.created_at, expiresAt: row.expires_at, input, response };
  }

  /**
   * Input or output item `itemId` of a live response of `keyId`, or undefined. An input item the
   * client sent without an id is known as `<response id>_in_<n>`, as `…/input_items` lists it.
   * The queue is looked in, not written: an unknown id (which any client can send) costs a
   * lookup, not an early commit. While older responses are still being indexed, a miss indexes
   * the rest first (once: the backfill is then done). A request may hold thousands of references:
   * each costs map lookups (the queue's index, the holder's items), never a scan.
   */
  item(itemId: string, keyId: string, now: number): unknown {
    const listed = /^(.+)_in_(\d+)$/.exec(itemId);
    if (listed) return this.get(listed[1]!, keyId, now)?.input[Number(listed[2])];
    let holder = this.queuedHolder(itemId, keyId) ?? this.selectItem.get(keyId, itemId)?.response_id;
    if (holder === undefined && this.backfilling) {
      while (this.indexOlder(BACKFILL_BATCH));
      holder = this.selectItem.get(keyId, itemId)?.response_id;
    }
    return holder === undefined ? undefined : this.itemsOf(holder, keyId, now)?.get(itemId);
  }

  /** The queued response of `keyId` with item `itemId` that the index will name once written (the last). */
  private queuedHolder(itemId: string, keyId: string): string | undefined {
    if (this.queued.size === 0) return undefined;
    if (!this.queuedItems) {
      this.queuedItems = new Map();
      for (const q of this.queued.values()) for (const id of q.itemIds) this.queuedItems.set(`${q.response.keyId}\0${id}`, q.response.id);
    }
    return this.queuedItems.get(`${keyId}\0${itemId}`);
  }

  /** The items of live response `id` of `keyId` by their id (the first of an id), or undefined. */
  private itemsOf(id: string, keyId: string, now: number): ReadonlyMap<string, unknown> | undefined {
    const key = `${keyId}\0${id}`;
    const known = this.itemMaps.get(key);
    if (known && known.expiresAt > now) return known.items;
    this.itemMaps.delete(key);
    const r = this.get(id, keyId, now);
    if (!r) return undefined;
    const items = new Map<string, unknown>();
    for (const list of [r.input, outputOf(r)]) {
      for (const item of list) {
        const itemId = idOf(item);
        if (itemId !== undefined && !items.has(itemId)) items.set(itemId, item);
      }
    }
    if (this.itemMaps.size >= RECENT_ITEM_MAPS) this.itemMaps.delete(this.itemMaps.keys().next().value!);
    this.itemMaps.set(key, { items, expiresAt: r.expiresAt });
    return items;
  }

  /** Deletes `id` when `keyId` owns it; answers whether it did. */
  delete(id: string, keyId: string): boolean {
    this.recent.clear();
    this.itemMaps.clear();
    this.flush();
    return this.del.run(id, keyId).changes > 0;
  }

  /**
   * The conversation up to and including response `id`, oldest first: each response's input
   * items, then its output items. Undefined when `id` or any response it follows is gone.
   */
  history(id: string, keyId: string, now: number): readonly unknown[] | undefined {
    const cached = this.recentHistory(id, keyId, now);
    if (cached) return cached.items;
    // Walk back to the start of the chain, or to a history still in memory.
    const chain: StoredResponse[] = [];
    let base: Expanded = { items: [], expiresAt: Number.POSITIVE_INFINITY };
    for (let at: string | null = id; at !== null; ) {
      const known = chain.length > 0 ? this.recentHistory(at, keyId, now) : undefined;
      if (known) {
        base = known;
        break;
      }
      const r = this.get(at, keyId, now);
      if (!r || chain.length >= MAX_CHAIN) return undefined;
      chain.push(r);
      at = r.previousId;
    }
    const items = [...base.items];
    let expiresAt = base.expiresAt;
    for (let i = chain.length - 1; i >= 0; i--) {
      const r = chain[i]!;
      items.push(...r.input, ...outputOf(r));
      expiresAt = Math.min(expiresAt, r.expiresAt);
    }
    this.remember(`${keyId}\0${id}`, { items, expiresAt });
    return items;
  }

  private recentHistory(id: string, keyId: string, now: number): Expanded | undefined {
    const key = `${keyId}\0${id}`;
    const e = this.recent.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= now) {
      this.recent.delete(key);
      return undefined;
    }
    return e;
  }

  private remember(key: string, e: Expanded): void {
    this.recent.delete(key);
    if (this.recent.size >= RECENT_HISTORIES) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(key, e);
  }

  /** Deletes expired rows, and the item ids of responses that are gone (the hourly sweep). */
  sweep(now: number): number {
    this.recent.clear();
    this.itemMaps.clear();
    this.flush();
    const n = this.db.query('DELETE FROM responses WHERE expires_at <= ?').run(now).changes;
    if (n > 0) this.recount();
    this.db.query('DELETE FROM response_items WHERE response_id NOT IN (SELECT id FROM responses)').run();
    return n;
  }

  close(): void {
    clearTimeout(this.backfillTimer);
    this.flush();
    this.db.close();
  }

  /** Deletes the oldest rows until the total is 10 % under the cap. */
  private trim(): void {
    this.recent.clear();
    this.itemMaps.clear();
    this.db.exec('BEGIN');
    try {
      const rows = this.db.query('SELECT id, bytes FROM responses ORDER BY created_at').iterate() as IterableIterator<{ id: string; bytes: number }>;
      const doomed: string[] = [];
      let total = this.total;
      for (const row of rows) {
        if (total <= this.maxBytes * 0.9) break;
        doomed.push(row.id);
        total -= row.bytes;
      }
      const del = this.db.prepare('DELETE FROM responses WHERE id = ?');
      for (const id of doomed) del.run(id);
      this.db.exec('COMMIT');
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
    this.recount();
  }

  private recount(): void {
    this.total = (this.db.query('SELECT COALESCE(SUM(bytes), 0) AS n FROM responses').get() as { n: number }).n;
  }
}

interface Queued {
  response: StoredResponse;
  row: unknown[];
  /** Ids of the response's input and output items that have one. */
  itemIds: string[];
}

function outputOf(r: Pick<StoredResponse, 'response'>): unknown[] {
  return Array.isArray(r.response.output) ? r.response.output : [];
}

function idOf(item: unknown): string | undefined {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** What a sealed payload is bound to: a blob copied to another row or key does not open. */
function aadOf(id: string, keyId: string): string {
  return `responses:${id}:${keyId}`;
}
