import { maskUrlPasswords, maskUrlSecrets } from '../../../log/redact.ts';
import { maskSecret } from '../playground/mask-secrets.ts';

/** Where a value sits in a config tree: map keys and list indexes from the entry down. */
export type ConfigPath = readonly (string | number)[];

/** What the admin API hides in a config tree besides credential names and URL passwords. */
export interface MaskRules {
  /** Maps whose every value is a credential, whatever its name (a plugin's `headers`). */
  secretMaps?: RegExp;
  /** Names of webhook URLs: everything after the host is a bearer secret (Slack, Discord, `?token=`). */
  webhookUrls?: RegExp;
}

/**
 * Plugin configs: every header value (a webhook's or a collector's auth header, under any
 * name) and webhook URLs (`url`, `webhook`, `webhook_url`, `slack_webhook`…) are credentials too.
 */
export const PLUGIN_MASK_RULES: MaskRules = {
  secretMaps: /^headers$/i,
  webhookUrls: /^url$|(?:^|[_-])(?:web)?hook(?:[_-]url)?$/i,
};

/** How one value is shown: `secret` whole, `webhook` after its host, `plain` only URL passwords and credential-named query values. */
export type MaskKind = 'secret' | 'webhook' | 'plain';

/** Names whose values are credentials, by their last word: `keys`, `key`, `client_secret`, `x-api-key`, `access_token`… */
const SECRET_NAME = /(?:^|[_.-])(?:keys?|secret|token|password|passwd|authorization|cookie|credentials?)$/i;
/** A value made only of `${ENV}` references (after a scheme such as `Bearer `): names, shown as written. */
const ENV_ONLY = /^\s*(?:[A-Za-z]+\s+)?(?:\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}\s*)+$/;
/** A URL's path and query made only of `${ENV}` references, separators and parameter names: shown as written. */
const ENV_TAIL = /^(?:[/#]|[?&][\w.-]+=|\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\})*$/;
/** `scheme://authority` and the rest (path, query, fragment). */
const URL_PARTS = /^([a-z][a-z0-9+.-]*:\/\/[^/?#\s]*)([/?#][\s\S]*)?$/i;

/**
 * The kind of the value at `path`: decided by the nearest map key above it (list items take
 * their list's kind), so the view and the write path always agree on what was masked.
 */
export function maskKindAt(path: ConfigPath, rules: MaskRules = {}): MaskKind {
  let kind: MaskKind = 'plain';
  path.forEach((key, i) => {
    if (typeof key !== 'string') return;
    const parent = path[i - 1];
    const inSecretMap = typeof parent === 'string' && rules.secretMaps?.test(parent) === true;
    kind = SECRET_NAME.test(key) || inSecretMap ? 'secret' : rules.webhookUrls?.test(key) ? 'webhook' : 'plain';
  });
  return kind;
}

/**
 * A webhook URL with everything after the host replaced by `/***` (Slack's
 * `/services/T…/B…/XXXX`, Discord's `/api/webhooks/{id}/{token}`, a `?token=`), and the
 * password of its userinfo masked. A URL with nothing after the host, or only `${ENV}`
 * references there, is shown as written.
 */
export function maskWebhookUrl(value: string): string {
  const m = URL_PARTS.exec(value);
  if (!m || !m[2] || m[2] === '/' || ENV_TAIL.test(m[2])) return maskUrlPasswords(value);
  return `${maskUrlPasswords(m[1]!)}/***`;
}

/** How the admin API shows the string `value` found at `path` (see {@link maskConfigTree}). */
export function maskValueAt(path: ConfigPath, value: string, rules: MaskRules = {}): string {
  const kind = maskKindAt(path, rules);
  if (kind === 'secret') return value && !ENV_ONLY.test(value) ? maskSecret(value) : value;
  if (kind === 'webhook') return maskWebhookUrl(value);
  return maskUrlSecrets(value);
}

/**
 * A config tree as the admin API shows it, `${ENV}` references kept: every literal string under
 * a credential name at any depth (keys, account keys, credential headers, `oauth.client_secret`)
 * masked whole (`***abcd`), the password of any URL masked (`http://user:***@host`) and its
 * credential-named query values (`?api_key=***`), plus what
 * `rules` adds. Returns a new tree; other values are copied as they are.
 */
export function maskConfigTree(value: unknown, rules: MaskRules = {}, path: ConfigPath = []): unknown {
  if (typeof value === 'string') return maskValueAt(path, value, rules);
  if (Array.isArray(value)) return value.map((v, i) => maskConfigTree(v, rules, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskConfigTree(v, rules, [...path, k])]));
  }
  return value;
}
