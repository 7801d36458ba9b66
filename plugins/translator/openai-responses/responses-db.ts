import type { SideSchema } from '../../../core/db/open-side-database.ts';

/**
 * `<data-dir>/responses.db`: the stored responses (`response-store.ts`) and the conversations
 * (`conversation-store.ts`), each store on a connection of its own. `payload` is JSON, sealed
 * when `sealed_with` names the key, else UTF-8 text.
 */
export const RESPONSES_DB: SideSchema = {
  version: 1,
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
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  metadata TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS conversation_items (
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  item_id TEXT NOT NULL,
  payload BLOB NOT NULL,
  sealed_with TEXT,
  PRIMARY KEY (conversation_id, seq)
);
CREATE INDEX IF NOT EXISTS conversation_items_item ON conversation_items (conversation_id, item_id);
`,
};
