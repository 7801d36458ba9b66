import { MAX_VALUE_DEPTH } from './config-editor.ts';
import { maskKindAt, maskValueAt, type ConfigPath, type MaskRules } from './mask-config-tree.ts';

/** The config to write, or why it was refused (`path`: dotted path of the field). */
export type KeptSecrets = { ok: true; value: unknown } | { ok: false; path: string; message: string };

/** What `maskSecret` makes of a value: `***`, `***abcd`, `Bearer ***abcd`. */
const SECRET_MASK = /^(?:(?:bearer|basic|token)\s+)?\*\*\*[\s\S]{0,4}$/i;
/** What `maskWebhookUrl` makes of a URL: `https://hooks.slack.com/***`. */
const WEBHOOK_MASK = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*\/\*\*\*$/i;
/** A masked URL password (`scheme://user:***@host`): head and host. */
const MASKED_URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#:@]*:)\*\*\*@([^\s/?#]*)/gi;
/** A masked credential-named query value (`?api_key=***`), as `maskUrlSecrets` shows it. */
const MASKED_QUERY_SECRET = /[?&][\w.-]+=\*\*\*(?:[&#\s"']|$)/;
/** A URL password in clear: head, password, host. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#:@]*:)([^\s/?#@]+)@([^\s/?#]*)/gi;

class MaskRefused extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

/**
 * The keep-on-write rule of a config the admin API showed masked (see `maskConfigTree`) and a
 * client sends back whole (the dashboard's plugin form). Field by field, at the same path:
 * - a value equal to the mask shown for the value saved there keeps the saved value;
 * - a masked URL password (`http://u:***@host`) keeps the saved password of that same user and
 *   host, so a host changed around it never receives the old password;
 * - a masked query value (`?api_key=***`) is kept only with the whole value unchanged (first rule);
 * - a value shaped like a mask that masks nothing saved there (no value at that path, another
 *   value, a webhook URL whose host or user changed) is refused, so a mask is never stored as a
 *   secret and a hidden secret never travels to a new host;
 * - anything else is the new value; a field left out is removed.
 * In lists, items are matched by index, and only while the list keeps its length.
 */
export function keepMaskedSecrets(sent: unknown, saved: unknown, rules: MaskRules = {}): KeptSecrets {
  try {
    return { ok: true, value: restore(sent, saved, [], rules) };
  } catch (err) {
    if (err instanceof MaskRefused) return { ok: false, path: err.path, message: err.message };
    throw err;
  }
}

function restore(sent: unknown, saved: unknown, path: ConfigPath, rules: MaskRules): unknown {
  // Deeper than the editor writes: left as sent, for the editor to refuse.
  if (path.length > MAX_VALUE_DEPTH) return sent;
  if (typeof sent === 'string') return restoreString(sent, saved, path, rules);
  if (Array.isArray(sent)) {
    const list = Array.isArray(saved) && saved.length === sent.length ? saved : [];
    return sent.map((v, i) => restore(v, list[i], [...path, i], rules));
  }
  if (sent && typeof sent === 'object') {
    const map = saved && typeof saved === 'object' && !Array.isArray(saved) ? (saved as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(sent).map(([k, v]) => [k, restore(v, Object.hasOwn(map, k) ? map[k] : undefined, [...path, k], rules)]));
  }
  return sent;
}

function restoreString(sent: string, saved: unknown, path: ConfigPath, rules: MaskRules): string {
  const before = typeof saved === 'string' ? saved : undefined;
  if (before !== undefined && sent === maskValueAt(path, before, rules)) return before;
  const kind = maskKindAt(path, rules);
  if (kind === 'secret' && SECRET_MASK.test(sent)) throw refused(path, before, 'is the mask of a hidden secret');
  if (kind === 'webhook' && WEBHOOK_MASK.test(sent)) {
    throw refused(path, before, 'is a URL whose secret part is masked (`/***`); with another scheme, host or user it needs its whole new value');
  }
  if (MASKED_QUERY_SECRET.test(sent)) throw refused(path, before, 'holds a masked query value (`=***`) in a changed URL');
  return restoreUrlPasswords(sent, before ?? '', path);
}

/** Each masked URL password of `sent` replaced by the one `saved` holds for the same user and host. */
function restoreUrlPasswords(sent: string, saved: string, path: ConfigPath): string {
  if (!sent.includes(':***@')) return sent;
  const known = [...saved.matchAll(URL_PASSWORD)].filter((m) => !m[2]!.startsWith('${'));
  return sent.replace(MASKED_URL_PASSWORD, (_whole, head: string, host: string) => {
    const passwords = new Set(known.filter((m) => m[1] === head && m[3] === host).map((m) => m[2]!));
    if (passwords.size !== 1) throw refused(path, saved || undefined, 'holds a masked URL password (`:***@`) that no saved URL with this user and host has');
    return `${head}${[...passwords][0]}@${host}`;
  });
}

function refused(path: ConfigPath, saved: string | undefined, what: string): MaskRefused {
  const dotted = path.join('.');
  const fix = saved === undefined
    ? 'there is no saved value at this place to keep: type the value itself'
    : 'send the field back exactly as the admin API shows it to keep the saved value, or type the new value';
  return new MaskRefused(dotted, `${dotted || 'config'}: ${what}, not a value; ${fix}.`);
}
