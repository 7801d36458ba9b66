import * as v from 'valibot';

const Ms = v.pipe(v.number(), v.minValue(0));
const Count = v.pipe(v.number(), v.integer(), v.minValue(1));

/** Upstream error codes / messages that mean the account cannot work until someone acts. */
export const DEFAULT_TERMINAL_PATTERNS: readonly string[] = [
  'insufficient_quota',
  'billing_hard_limit_reached',
  'billing_not_active',
  'credit balance is too low',
  'account_deactivated',
  'access_terminated',
  'organization has been disabled',
  // Out of credit at Moonshot, at one-api / new-api resellers, and in Zhipu's and SiliconFlow's words.
  'exceeded_current_quota_error',
  'insufficient_user_quota',
  'insufficient balance',
  'balance is insufficient',
  '余额不足',
];

export interface CooldownConfig {
  /** First default cooldown for a 429 without a wait hint; doubles per level. */
  baseMs: number;
  /** Cap of the default cooldown. */
  maxMs: number;
  /** Consecutive 401s after which the account is marked `failed`. */
  unauthorizedLimit: number;
  /** Lower-case substrings of the upstream error code/type/message that mark the account `failed`. */
  terminalPatterns: string[];
}

/**
 * Config of `cooldown`. camelCase or snake_case keys; `terminalPatterns` adds to the defaults.
 */
export const CooldownConfigSchema = v.pipe(
  v.object({
    baseMs: v.optional(Ms),
    base_ms: v.optional(Ms),
    maxMs: v.optional(Ms),
    max_ms: v.optional(Ms),
    unauthorizedLimit: v.optional(Count),
    unauthorized_limit: v.optional(Count),
    terminalPatterns: v.optional(v.array(v.string())),
    terminal_patterns: v.optional(v.array(v.string())),
  }),
  v.transform((c): CooldownConfig => {
    const baseMs = c.baseMs ?? c.base_ms ?? 1000;
    const extra = c.terminalPatterns ?? c.terminal_patterns ?? [];
    return {
      baseMs,
      maxMs: Math.max(baseMs, c.maxMs ?? c.max_ms ?? 300_000),
      unauthorizedLimit: c.unauthorizedLimit ?? c.unauthorized_limit ?? 3,
      terminalPatterns: [...new Set([...DEFAULT_TERMINAL_PATTERNS, ...extra.map((p) => p.toLowerCase())])],
    };
  }),
);
