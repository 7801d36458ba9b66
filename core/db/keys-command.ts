import { parseDuration } from '../util/time-windows.ts';
import { createKeysRepo } from './keys-repo.ts';
import type { OpenedDatabase } from './open-database.ts';
import type { KeyLimits } from './schema.ts';

/** The flags of `switchyard keys create`. */
export interface KeyCreateFlags {
  name?: string;
  /** Comma-separated model names or globs the key may use. */
  scopes?: string;
  rpm?: string;
  tpm?: string;
  'daily-usd'?: string;
  'monthly-usd'?: string;
  /** A duration from now (`30d`, `12h`) or a date (`2027-01-31`). */
  expires?: string;
}

export interface KeysCommandOptions {
  db: OpenedDatabase;
  flags: KeyCreateFlags;
  now?: number;
  /**
   * The plugins the config turns on, or undefined when it could not be read: limits set on a
   * key whose plugin is not among them get a note on stderr (they would not be enforced).
   */
  plugins?: ReadonlySet<string>;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** Which plugin enforces which key limits (with the flags that set them). */
const ENFORCED_BY: ReadonlyArray<{ plugin: string; limits: Array<keyof KeyLimits>; flags: string }> = [
  { plugin: 'rate-limit', limits: ['rpm', 'tpm'], flags: '--rpm/--tpm' },
  { plugin: 'budget', limits: ['dailyBudgetUsd', 'monthlyBudgetUsd'], flags: '--daily-usd/--monthly-usd' },
];

/** What `keys` prints for a subcommand it does not know (exit code 2). */
export const KEYS_USAGE = 'Usage: switchyard keys create [--name N] [--scopes M,…] [--rpm N] [--tpm N] [--daily-usd N] [--monthly-usd N] [--expires 30d|DATE]'
  + ' | keys list | keys revoke ID';

/**
 * `switchyard keys create | list | revoke`. `create` prints the new secret alone on the last line
 * of stdout (once); its flags set what the dashboard's key form sets: model scopes, request and
 * token rates, daily and monthly budgets, an expiry. A key made while the server runs is
 * accepted at once. Exit codes: 0, 1 (nothing to revoke), 2 (usage).
 */
export function keysCommand(sub: string | undefined, arg: string | undefined, o: KeysCommandOptions): number {
  const out = o.out ?? ((l: string) => console.log(l));
  const err = o.err ?? ((l: string) => console.error(l));
  const keys = createKeysRepo(o.db);
  if (sub === 'create') {
    const parsed = createInput(o.flags, o.now ?? Date.now());
    if (typeof parsed === 'string') {
      err(`${parsed}\n${KEYS_USAGE}`);
      return 2;
    }
    const { info, secret } = keys.createKey(parsed);
    const extras = [
      info.scopes ? `scopes ${info.scopes.join(', ')}` : '',
      info.limits ? Object.entries(info.limits).map(([k, v]) => `${k} ${v}`).join(', ') : '',
      info.expiresAt ? `expires ${new Date(info.expiresAt).toISOString()}` : '',
    ].filter(Boolean);
    out(`Created key ${info.id} (${info.name})${extras.length ? `, ${extras.join('; ')}` : ''}. It is shown once; store it now:`);
    for (const e of ENFORCED_BY) {
      if (o.plugins && !o.plugins.has(e.plugin) && e.limits.some((l) => info.limits?.[l] !== undefined)) {
        err(`Note: ${e.flags} are enforced by the ${e.plugin} plugin, which the config does not list: add "- ${e.plugin}" under plugins: to enforce them.`);
      }
    }
    out(secret);
    return 0;
  }
  if (sub === 'list') {
    const all = keys.list();
    if (all.length === 0) out('No keys.');
    for (const k of all) {
      const state = k.revokedAt ? 'revoked' : k.expiresAt && k.expiresAt < (o.now ?? Date.now()) ? 'expired' : 'active';
      out(`${k.id}\t${k.prefix}…\t${k.name}\t${state}\tcreated ${new Date(k.createdAt).toISOString()}`);
    }
    return 0;
  }
  if (sub === 'revoke' && arg) {
    const k = keys.revoke(arg);
    if (!k) {
      err(`No key matches "${arg}".`);
      return 1;
    }
    out(`Revoked ${k.id} (${k.prefix}…).`);
    return 0;
  }
  err(KEYS_USAGE);
  return 2;
}

/** The key to create, or what is wrong with the flags. */
function createInput(f: KeyCreateFlags, now: number): { name: string; scopes?: string[]; limits?: KeyLimits; expiresAt?: number | null } | string {
  const input: { name: string; scopes?: string[]; limits?: KeyLimits; expiresAt?: number | null } = { name: f.name ?? 'cli' };
  if (f.scopes !== undefined) {
    const scopes = f.scopes.split(',').map((s) => s.trim()).filter(Boolean);
    if (scopes.length === 0) return '--scopes takes model names or globs, separated by commas.';
    input.scopes = scopes;
  }
  const limits: KeyLimits = {};
  const numbers: Array<[keyof KeyLimits, string | undefined, string]> = [
    ['rpm', f.rpm, '--rpm'], ['tpm', f.tpm, '--tpm'], ['dailyBudgetUsd', f['daily-usd'], '--daily-usd'], ['monthlyBudgetUsd', f['monthly-usd'], '--monthly-usd'],
  ];
  for (const [field, text, flag] of numbers) {
    if (text === undefined) continue;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) return `${flag} takes a number greater than 0.`;
    limits[field] = n;
  }
  if (Object.keys(limits).length > 0) input.limits = limits;
  if (f.expires !== undefined) {
    const ms = expiryOf(f.expires, now);
    if (ms === undefined || ms <= now) return '--expires takes a duration from now with its unit (30d, 12h) or a date to come (2027-01-31).';
    input.expiresAt = ms;
  }
  return input;
}

/**
 * `--expires` as a time: a date (`2027-01-31`, the start of that day in UTC; a time may follow)
 * that is on the calendar, or a duration from now with its unit. A bare number is refused: it
 * would be milliseconds (a key dead on arrival), and no one means that.
 */
function expiryOf(text: string, now: number): number | undefined {
  const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (date) {
    const ms = Date.parse(text);
    // Date.parse moves 2027-02-30 to March 2nd instead of refusing it.
    const day = new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])));
    return Number.isFinite(ms) && day.toISOString().slice(0, 10) === date[0] ? ms : undefined;
  }
  if (!/[a-z]/i.test(text)) return undefined;
  const ms = parseDuration(text);
  return ms === undefined ? undefined : now + ms;
}
