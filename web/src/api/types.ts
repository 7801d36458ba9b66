/** Shapes of the admin API answers, as documented in docs/admin-api.md. */

/** The `config` block of a config edit's answer (see docs/admin-api.md). */
export interface EditResult {
  generation: number;
  /** False when the edit changed nothing (no write, no reload). */
  changed: boolean;
  /** Plugins that failed to set up with the new config; each keeps its previous instance. */
  pluginErrors: Array<{ name: string; error: string }>;
}

/** Why the config file was refused (`file:line:col`, the dotted path, the reason). */
export interface ConfigProblem {
  file: string;
  line?: number;
  col?: number;
  path?: string;
  message: string;
}

/** The `config` block of `POST /api/plugins/reload`. */
export interface ReloadResult {
  generation: number;
  reloadError: ConfigProblem | null;
}

export interface AuthState {
  needsSetup: boolean;
  loggedIn: boolean;
  via: 'session' | 'token' | null;
  lockedUntil: number | null;
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface BreakerSummary {
  provider: string;
  account: string | null;
  state: string;
  retryInMs: number | null;
}

export interface PluginStatus {
  name: string;
  kind: string;
  state: string;
  error: string | null;
}

export interface Overview {
  version: string;
  uptimeSec: number;
  startedAt: number;
  memory: { rssMb: number; heapUsedMb: number };
  window: {
    ms: number; requests: number; requestsPerSec: number; errors: number; errorRate: number;
    latencyMs: Percentiles; ttftMs: Percentiles; tokens: { input: number; output: number }; costUsd: number;
  };
  breakers: BreakerSummary[] | null;
  plugins: PluginStatus[];
  providers: { total: number; active: number; disabled: number };
  config: {
    generation: number;
    file: string;
    lastReloadError: { file: string; line?: number; col?: number; message: string; at: number } | null;
  };
}

export interface Preset {
  id: string;
  name: string;
  type: string;
  baseUrl: string;
  env: string[];
  local: boolean;
  docs?: string;
  models: string[];
  configured: boolean;
}

export interface AccountRow {
  id: string;
  label: string;
  source: 'config' | 'dashboard' | 'oauth' | string;
  key: string;
  state: string;
}

export interface ProviderView {
  name: string;
  type: string;
  preset: string | null;
  baseUrl: string | null;
  enabled: boolean;
  status: 'active' | 'disabled' | 'no-adapter' | 'no-accounts' | string;
  accounts: AccountRow[];
  accountCount: number;
  accountStrategy: string;
  models: string[];
  allowPrivateNetwork: boolean;
  breaker: { state: string } | null;
  /** Not in the documented shape yet: set when the provider's type supports OAuth logins. */
  oauth?: { flows: Array<'pkce' | 'device' | 'import'>; displayName?: string } | null;
  entry?: Record<string, unknown>;
}

export interface TestResult {
  ok: boolean;
  mode: 'chat' | 'models';
  model: string | null;
  latencyMs: number;
  status: number;
  error: string | null;
  models: string[] | null;
}

export interface QuotaLine {
  provider: string;
  account: string | null;
  window: string;
  limits: Record<string, number>;
  used: Record<string, number>;
  remaining: Record<string, number>;
  exhausted: boolean;
  resetsAt: string | null;
  resetsInMs: number | null;
}

export interface OAuthAccount {
  provider: string;
  type: string;
  accountId: string;
  label: string;
  state: string;
  expiresAt: number | null;
  windows: Array<{ name: string; usedPercent: number; resetsAt?: number }>;
}

export type FlowStart =
  | { kind: 'pkce'; flowId: string; authUrl: string; redirectUri: string; mode: 'callback' | 'paste'; expiresAt: number }
  | { kind: 'device'; flowId: string; userCode: string; verificationUri: string; verificationUriComplete?: string; intervalSec: number; expiresAt: number };

export interface ComboView {
  name: string;
  strategy: string;
  models: string[];
  options: Record<string, unknown> | null;
  recent: Array<{ target: string; requests: number; errors: number; lastAt: number }>;
}

export interface PluginView {
  name: string;
  kind: string;
  description: string;
  origin: 'builtin' | 'drop-in' | 'path' | string;
  source: string;
  state: 'active' | 'errored' | 'disabled' | 'available' | string;
  error: string | null;
  hooks: string[];
  provides: string[];
  enabled: boolean;
  listed: boolean;
  position: number | null;
  autoload: boolean;
  hasConfig: boolean;
  config: Record<string, unknown> | null;
  schema?: JsonSchema | null;
}

/** The subset of JSON Schema (draft-07) the generated forms understand. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  additionalProperties?: boolean | JsonSchema;
}

export interface SettingsPlugin {
  present: boolean;
  enabled: boolean;
  config: Record<string, unknown> | null;
  schema: JsonSchema | null;
}

export interface Settings {
  server: { host: string; port: number; cors_origins: string[] };
  /** The address the gateway listens on now (`--host`, `--port` or `PORT` may override `server`). */
  listening: { host: string; port: number; url: string };
  auth: { require_key: boolean };
  logging: { level: string; bodies: boolean; retention: { usage_days: number; bodies_days: number } };
  request: { deadline_ms: number };
  plugins: Record<string, SettingsPlugin>;
}

export interface KeyView {
  id: string;
  name: string;
  prefix: string;
  /** Absent when the key may use every model. */
  scopes?: string[] | null;
  /** Absent when the key has no limits. */
  limits?: { rpm?: number | null; tpm?: number | null; dailyBudgetUsd?: number | null; monthlyBudgetUsd?: number | null } | null;
  expiresAt: number | null;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
  state: 'active' | 'revoked' | 'expired' | string;
  spend: { todayUsd: number; monthUsd: number; requestsToday: number };
}

export interface UsageNumbers {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  tokens: number;
  costUsd: number;
}

export interface Timeseries {
  from: number;
  to: number;
  bucket: 'hour' | 'day';
  groupBy?: string;
  series: Array<{ group: string | null; points: Array<UsageNumbers & { t: number }> }>;
  totals: UsageNumbers;
}

export interface UsageTotals {
  period: 'day' | 'month';
  rows: Array<UsageNumbers & { period: string }>;
}

export interface UsageRow {
  requestId: string;
  ts: number;
  keyId?: string | null;
  dialect: string;
  operation: string;
  modelRequested: string;
  provider?: string | null;
  account?: string | null;
  upstreamModel?: string | null;
  status: string;
  httpStatus: number | null;
  errorCode?: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  estimated: boolean;
  costUsd: number;
  latencyMs: number | null;
  ttftMs?: number | null;
  attempts: number;
  stream: boolean;
  cached: boolean;
}

export interface LogDetail {
  row: UsageRow | null;
  trace: {
    route: { targets: Array<{ provider: string; model: string }>; strategy?: string } | null;
    attempts: Array<{
      n: number; provider: string; account: string | null; model: string; startedAt: number;
      outcome: string; status: number | null; code: string | null; error: string | null; latencyMs: number | null;
    }>;
    events: Array<{ type: string; at: number; data: unknown }>;
  } | null;
  bodies: { request: string; response: string } | null;
}

export type Dialect = 'openai-chat' | 'anthropic-messages' | 'openai-responses' | 'gemini';

export interface TranslateResult {
  normalized: { operation: string; model: string; stream: boolean; body: unknown };
  route: { targets: Array<{ provider: string; model: string }>; strategy?: string; via?: string } | null;
  upstream: {
    provider: string; type: string; model: string; lane: 'translated' | 'passthrough';
    url: string; headers: Record<string, string>; body: unknown;
  } | null;
  notes: string[];
}

export interface ChatTestResult {
  requestId: string;
  status: number;
  clientRequest: { dialect: string; body: unknown };
  upstreamRequests: Array<{ url: string; method: string; headers: Record<string, string>; body: unknown }>;
  upstreamReplies: Array<{ status: number; headers: Record<string, string>; body: unknown }>;
  reply: { status: number; headers: Record<string, string>; body: unknown };
  latencyMs: number;
}

export interface ToolView {
  id: string;
  name: string;
  dialect: string;
  configFile: string | null;
  canApply: boolean;
  env: Record<string, string>;
  snippet: string;
  notes: string[];
}

export interface BusEvent {
  type: string;
  at: number;
  data: Record<string, unknown>;
}
