import type { SideSchema } from '../../../core/db/open-side-database.ts';

/**
 * `<data-dir>/responses.db`: the stored responses (`response-store.ts`) and the conversations
 * (`conversation-store.ts`), each store on a connection of its own. `payload` is JSON, sealed
 * when `sealed_with` names the key, else UTF-8 text. `response_items` says which response holds
 * an item id (for `item_reference` inputs); a row whose response is gone is a miss, and the
 * hourly sweep deletes it. Responses stored before that index existed (versions 1 and 2) are
 * listed in `response_items_backfill` by the upgrade, and the response store indexes them. `conversations.used_at` is when a conversation last changed (version
 * 2); the sweep deletes those unused for the store's TTL.
 */
export const RESPONSES_DB: SideSchema = {
  version: 3,
  upgrade(db, from) {
    const has = (table: string) => db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== null;
    // 2: conversations expire when unused (`used_at`, epoch ms of the last change). A version-1
    // file may predate conversations (the table is then made by `sql`); the ones it has count
    // as used now, so the first sweep after the upgrade does not delete conversations in use.
    if (from < 2 && has('conversations')) {
      db.exec(`ALTER TABLE conversations ADD COLUMN used_at INTEGER NOT NULL DEFAULT 0; UPDATE conversations SET used_at = ${Date.now()};`);
    }
    // 3: the item index covers every response; older rows may be missing from it.
    if (from < 3 && has('responses')) {
      db.exec(`CREATE TABLE IF NOT EXISTS response_items_backfill (id TEXT NOT NULL, key_id TEXT NOT NULL, PRIMARY KEY (id, key_id)) WITHOUT ROWID;
        INSERT OR IGNORE INTO response_items_backfill (id, key_id) SELECT id, key_id FROM responses;`);
    }
  },
  sql: `
CREATE TABLE IF NOT EXISTS responses (
  id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  previous_id TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  payload BLOB NOT NULL,
  sealed_with TEXT
);
CREATE INDEX IF NOT EXISTS responses_expires ON responses (expires_at);
CREATE INDEX IF NOT EXISTS responses_created ON responses (created_at);
CREATE TABLE IF NOT EXISTS response_items (
  key_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  response_id TEXT NOT NULL,
  PRIMARY KEY (key_id, item_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  metadata TEXT NOT NULL,
  used_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_used ON conversations (used_at);
CREATE TABLE IF NOT EXISTS conversation_items (
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  item_id TEXT NOT NULL,
  payload BLOB NOT NULL,
  sealed_with TEXT,
  PRIMARY KEY (conversation_id, seq)
);
CREATE INDEX IF NOT EXISTS conversation_items_item ON conversation_items (conversation_id, item_id);
CREATE INDEX IF NOT EXISTS conversation_items_by_id ON conversation_items (item_id);
`,
};
