/**
 * The SQLite schema (drizzle). Migrations in `./migrations` are generated from this file with
 * `bunx drizzle-kit generate` and applied at start-up by `openDatabase`.
 *
 * Portability: a PostgreSQL twin (`pgTable`) must be able to mirror every column, so times are
 * epoch milliseconds in integers (`bigint` there), JSON is text with `mode: 'json'` (`jsonb`
 * there), booleans are 0/1 integers, and nothing relies on SQLite-only SQL.
 */
import { blob, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Per-key limits stored with a client key. */
export interface KeyLimits {
  rpm?: number;
  tpm?: number;
  dailyBudgetUsd?: number;
  monthlyBudgetUsd?: number;
}

/**
 * Client API keys. Only the first 12 characters (`prefix`, for display and revoke-by-prefix)
 * and the SHA-256 hex digest of the secret are stored; the secret itself never is.
 */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    scopes: text('scopes', { mode: 'json' }).$type<string[]>(),
    limits: text('limits', { mode: 'json' }).$type<KeyLimits>(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_uq').on(t.hash), index('api_keys_prefix_idx').on(t.prefix)],
);

/** One row per client request (see `UsageRow` in `usage-repo.ts`). */
export const usage = sqliteTable(
  'usage',
  {
    id: integer('id').primaryKey(),
    requestId: text('request_id').notNull(),
    ts: integer('ts').notNull(),
    keyId: text('key_id'),
    dialect: text('dialect').notNull(),
    operation: text('operation').notNull(),
    modelRequested: text('model_requested').notNull(),
    provider: text('provider'),
    account: text('account'),
    upstreamModel: text('upstream_model'),
    status: text('status').notNull(),
    httpStatus: integer('http_status').notNull(),
    errorCode: text('error_code'),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    cachedTokens: integer('cached_tokens').notNull().default(0),
    reasoningTokens: integer('reasoning_tokens').notNull().default(0),
    estimated: integer('estimated', { mode: 'boolean' }).notNull().default(false),
    costUsd: real('cost_usd').notNull().default(0),
    latencyMs: integer('latency_ms').notNull().default(0),
    ttftMs: integer('ttft_ms'),
    attempts: integer('attempts').notNull().default(1),
    stream: integer('stream', { mode: 'boolean' }).notNull().default(false),
    cached: integer('cached', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    index('usage_ts_idx').on(t.ts),
    index('usage_key_ts_idx').on(t.keyId, t.ts),
    index('usage_provider_ts_idx').on(t.provider, t.ts),
    index('usage_request_idx').on(t.requestId),
  ],
);

/** Request and response bodies, kept only in debug mode, size-capped and redacted. */
export const requestBodies = sqliteTable(
  'request_bodies',
  {
    requestId: text('request_id').primaryKey(),
    ts: integer('ts').notNull(),
    request: text('request'),
    response: text('response'),
  },
  (t) => [index('request_bodies_ts_idx').on(t.ts)],
);

/** Who changed what through the admin API or CLI. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey(),
    ts: integer('ts').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_log_ts_idx').on(t.ts), index('audit_log_action_idx').on(t.action)],
);

/**
 * Provider accounts entered in the dashboard or obtained by OAuth. `secret` is an AES-256-GCM
 * blob; `keyId` names the encryption key that sealed it, so keys can be rotated.
 */
export const accounts = sqliteTable(
  'accounts',
  {
    provider: text('provider').notNull(),
    accountId: text('account_id').notNull(),
    label: text('label'),
    secret: blob('secret', { mode: 'buffer' }),
    keyId: text('key_id'),
    state: text('state').notNull().default('active'),
    stateUntil: integer('state_until'),
    meta: text('meta', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: integer('created_at').notNull().default(0),
    updatedAt: integer('updated_at').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.provider, t.accountId] })],
);

/** The dashboard password: one row (`id` 1) holding an argon2id hash from `Bun.password`. */
export const adminPassword = sqliteTable('admin_password', {
  id: integer('id').primaryKey(),
  hash: text('hash').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Dashboard sessions. Only the SHA-256 hex of the cookie value is stored. */
export const adminSessions = sqliteTable(
  'admin_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
  },
  (t) => [index('admin_sessions_expires_idx').on(t.expiresAt)],
);

/** One-time setup links (hashed): single use, they expire. */
export const adminSetupTokens = sqliteTable('admin_setup_tokens', {
  hash: text('hash').primaryKey(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
});

/** Dashboard login attempts, for the lockout window and the audit trail. */
export const adminLoginAttempts = sqliteTable(
  'admin_login_attempts',
  {
    id: integer('id').primaryKey(),
    ts: integer('ts').notNull(),
    ip: text('ip'),
    ok: integer('ok', { mode: 'boolean' }).notNull(),
  },
  (t) => [index('admin_login_attempts_ts_idx').on(t.ts)],
);
