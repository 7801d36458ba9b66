import type { Database, Statement } from 'bun:sqlite';
import { openText, sealText } from '../../../core/crypto/sealed-text.ts';
import { openSideDatabase } from '../../../core/db/open-side-database.ts';
import type { SecretBox } from '../../../core/plugin/types.ts';
import type { ListQuery } from './list-page.ts';
import { RESPONSES_DB } from './responses-db.ts';

/** A conversation as the API shows it, with its owner. */
export interface StoredConversation {
  id: string;
  /** The client key that created it ('' without one): only that key sees it. */
  keyId: string;
  /** Epoch ms. */
  createdAt: number;
  metadata: Record<string, string>;
}

/** One item of a conversation, with the id it is listed under. */
export interface ConversationItem {
  id: string;
  item: Record<string, unknown>;
}

/** An item row as it is read. */
interface ItemRow {
  seq: number;
  item_id: string;
  payload: Uint8Array;
  sealed_with: string | null;
}

const ITEM_COLUMNS = 'SELECT seq, item_id, payload, sealed_with FROM conversation_items';

/** Conversations whose items stay in memory. */
const RECENT = 64;

/**
 * Conversations (the Conversations API) in `<data-dir>/responses.db`, beside the stored
 * responses, on a connection of their own: a conversation and its items in order. Items are
 * sealed one by one with the gateway's key ring when a `box` is given (bound to conversation,
 * item and client key). A conversation expires when it has not changed (created, a turn or
 * items added, metadata set, an item deleted) for the store's TTL: `sweep` deletes it. Deleting
 * one deletes its items. The items of the last 64 conversations read stay in memory, so a turn
 * does not open them all again. One item, or one page of items, is read on its own (`itemOf`,
 * `page`): only the rows it needs are opened.
 */
export class ConversationStore {
  private readonly db: Database;
  /** Opened items by `keyId \0 id`, kept current by every change made through this store. */
  private readonly recent = new Map<string, ConversationItem[]>();
  private readonly insertItem: Statement;
  private readonly selectConversation: Statement<{ id: string; key_id: string; created_at: number; metadata: string }, [string, string]>;
  private readonly selectItemById: Statement<{ conversation_id: string; payload: Uint8Array; sealed_with: string | null }, [string, string]>;

  constructor(file: string, private readonly box?: SecretBox, private readonly now: () => number = Date.now) {
    this.db = openSideDatabase(file, RESPONSES_DB);
    this.insertItem = this.db.prepare('INSERT INTO conversation_items (conversation_id, seq, item_id, payload, sealed_with) VALUES (?, ?, ?, ?, ?)');
    this.selectConversation = this.db.prepare('SELECT * FROM conversations WHERE id = ? AND key_id = ?');
    this.selectItemById = this.db.prepare(
      `SELECT i.conversation_id, i.payload, i.sealed_with FROM conversation_items i JOIN conversations c ON c.id = i.conversation_id
       WHERE i.item_id = ? AND c.key_id = ? LIMIT 1`,
    );
  }

  create(c: StoredConversation, items: readonly ConversationItem[]): void {
    this.db.transaction(() => {
      this.db.query('INSERT INTO conversations (id, key_id, created_at, metadata, used_at) VALUES (?, ?, ?, ?, ?)')
        .run(c.id, c.keyId, c.createdAt, JSON.stringify(c.metadata), c.createdAt);
      this.append(c.id, c.keyId, items);
    })();
  }

  get(id: string, keyId: string): StoredConversation | undefined {
    const row = this.selectConversation.get(id, keyId);
    return row ? { id: row.id, keyId: row.key_id, createdAt: row.created_at, metadata: JSON.parse(row.metadata) as Record<string, string> } : undefined;
  }

  setMetadata(id: string, keyId: string, metadata: Record<string, string>): boolean {
    return this.db.query('UPDATE conversations SET metadata = ?, used_at = ? WHERE id = ? AND key_id = ?').run(JSON.stringify(metadata), this.now(), id, keyId).changes > 0;
  }

  delete(id: string, keyId: string): boolean {
    this.forget(id);
    let deleted = false;
    this.db.transaction(() => {
      deleted = this.db.query('DELETE FROM conversations WHERE id = ? AND key_id = ?').run(id, keyId).changes > 0;
      if (deleted) this.db.query('DELETE FROM conversation_items WHERE conversation_id = ?').run(id);
    })();
    return deleted;
  }

  /** Appends items to conversation `id` of `keyId`; false when there is no such conversation. */
  add(id: string, keyId: string, items: readonly ConversationItem[]): boolean {
    if (!this.get(id, keyId)) return false;
    this.db.transaction(() => {
      this.append(id, keyId, items);
      this.touch(id);
    })();
    this.recent.get(`${keyId}\0${id}`)?.push(...items);
    return true;
  }

  /** Every item, oldest first; items that no longer open (their key rotated away) are left out. */
  items(id: string, keyId: string): ConversationItem[] {
    const key = `${keyId}\0${id}`;
    const known = this.recent.get(key);
    if (known) {
      this.recent.delete(key);
      this.recent.set(key, known);
      return [...known];
    }
    const out: ConversationItem[] = [];
    for (const r of this.db.query(`${ITEM_COLUMNS} WHERE conversation_id = ? ORDER BY seq`).all(id) as ItemRow[]) {
      const opened = this.opened(r, id, keyId);
      if (opened) out.push(opened);
    }
    if (this.recent.size >= RECENT) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(key, out);
    return [...out];
  }

  /**
   * Item `itemId` of conversation `id` (owned by `keyId`): the oldest of that id that opens, as
   * `items` would list it first; undefined when there is none.
   */
  itemOf(id: string, keyId: string, itemId: string): ConversationItem | undefined {
    return this.find(id, keyId, itemId, 'asc');
  }

  /**
   * One page of conversation `id` (owned by `keyId`), as `items` ordered by `order` would give
   * it: up to `limit` items after item `after` (in that order, so in `desc` the newest of that id
   * is the cursor), and whether more follow. Undefined when `after` names no item that opens.
   * Reads rows in order until the page and one more are found.
   */
  page(id: string, keyId: string, { order, after, limit }: ListQuery): { items: ConversationItem[]; hasMore: boolean } | undefined {
    let from = order === 'asc' ? 0 : Number.MAX_SAFE_INTEGER;
    if (after !== null) {
      const cursor = this.find(id, keyId, after, order);
      if (!cursor) return undefined;
      from = cursor.seq;
    }
    const sql = order === 'asc' ? 'seq > ? ORDER BY seq' : 'seq < ? ORDER BY seq DESC';
    const rows = this.db.query(`${ITEM_COLUMNS} WHERE conversation_id = ? AND ${sql}`).iterate(id, from) as IterableIterator<ItemRow>;
    const items: ConversationItem[] = [];
    for (const r of rows) {
      const opened = this.opened(r, id, keyId);
      if (opened && items.push(opened) > limit) break;
    }
    return { items: items.slice(0, limit), hasMore: items.length > limit };
  }

  /** Item `itemId` of any conversation of `keyId`, or undefined. */
  item(itemId: string, keyId: string): ConversationItem | undefined {
    const row = this.selectItemById.get(itemId, keyId);
    const text = row ? openText(this.box, row.payload, row.sealed_with, aadOf(row.conversation_id, itemId, keyId)) : undefined;
    return text === undefined ? undefined : { id: itemId, item: JSON.parse(text) as Record<string, unknown> };
  }

  deleteItem(id: string, itemId: string): boolean {
    this.forget(id);
    const deleted = this.db.query('DELETE FROM conversation_items WHERE conversation_id = ? AND item_id = ?').run(id, itemId).changes > 0;
    if (deleted) this.touch(id);
    return deleted;
  }

  /** Deletes the conversations unchanged since `before` (epoch ms) with their items; answers how many. */
  sweep(before: number): number {
    this.recent.clear();
    let n = 0;
    this.db.transaction(() => {
      this.db.query('DELETE FROM conversation_items WHERE conversation_id IN (SELECT id FROM conversations WHERE used_at < ?)').run(before);
      n = this.db.query('DELETE FROM conversations WHERE used_at < ?').run(before).changes;
    })();
    return n;
  }

  close(): void {
    this.recent.clear();
    this.db.close();
  }

  private touch(id: string): void {
    this.db.query('UPDATE conversations SET used_at = ? WHERE id = ?').run(this.now(), id);
  }

  /** Drops the cached items of conversation `id` (whatever key). */
  private forget(id: string): void {
    for (const key of this.recent.keys()) if (key.endsWith(`\0${id}`)) this.recent.delete(key);
  }

  /**
   * The first item `itemId` of conversation `id` in `order` that opens, with its place. Named
   * index: left alone, SQLite walks the whole conversation in `seq` order to spare sorting the
   * one or two rows of that id.
   */
  private find(id: string, keyId: string, itemId: string, order: ListQuery['order']): (ConversationItem & { seq: number }) | undefined {
    const sql = `${ITEM_COLUMNS} INDEXED BY conversation_items_item WHERE conversation_id = ? AND item_id = ? ORDER BY seq ${order === 'asc' ? 'ASC' : 'DESC'}`;
    for (const r of this.db.query(sql).iterate(id, itemId) as IterableIterator<ItemRow>) {
      const opened = this.opened(r, id, keyId);
      if (opened) return { ...opened, seq: r.seq };
    }
    return undefined;
  }

  /** The item a row holds, or undefined when it does not open (its key rotated away). */
  private opened(r: ItemRow, id: string, keyId: string): ConversationItem | undefined {
    const text = openText(this.box, r.payload, r.sealed_with, aadOf(id, r.item_id, keyId));
    return text === undefined ? undefined : { id: r.item_id, item: JSON.parse(text) as Record<string, unknown> };
  }

  private append(id: string, keyId: string, items: readonly ConversationItem[]): void {
    const last = (this.db.query('SELECT COALESCE(MAX(seq), 0) AS n FROM conversation_items WHERE conversation_id = ?').get(id) as { n: number }).n;
    items.forEach((it, i) => {
      const json = JSON.stringify(it.item);
      const { payload, sealedWith } = sealText(this.box, json, aadOf(id, it.id, keyId));
      this.insertItem.run(id, last + i + 1, it.id, payload, sealedWith);
    });
  }
}

function aadOf(conversationId: string, itemId: string, keyId: string): string {
  return `conversation:${conversationId}:${itemId}:${keyId}`;
}
