/**
 * The one way the dashboard talks to the gateway: same-origin `fetch` to `/api/...` with the
 * session cookie. Non-2xx answers throw an `ApiError` carrying the admin API's error envelope
 * (`code`, `param`, config `location`, lockout times), so pages can show why something failed.
 */
import { t } from '../i18n/i18n.ts';

/** Location of a rejected config edit inside the YAML file. */
export interface ConfigLocation {
  file: string;
  line: number;
  col: number;
  path?: string;
}

/** An admin API error (see docs/admin-api.md, "Errors"). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
    readonly param: string | null = null,
    readonly location: ConfigLocation | null = null,
    readonly retryAfterSec: number | null = null,
    readonly lockedUntil: number | null = null,
  ) {
    super(message);
  }
}

type Listener = (e: ApiError) => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when a protected route answers 401 (the session ended): the shell sends the user to login. */
export function onUnauthorized(fn: Listener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export interface ApiInit {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Do not report a 401 to the unauthorized listeners (auth pages). */
  quiet401?: boolean;
}

/** Calls an admin route and parses its JSON answer. Throws `ApiError` on any non-2xx status. */
export async function api<T>(path: string, init: ApiInit = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method: init.method ?? 'GET', headers, body, credentials: 'same-origin', signal: init.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, t('common.unreachable'), 'network');
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const err = toApiError(res, data);
    if (res.status === 401 && !init.quiet401) for (const fn of unauthorizedListeners) fn(err);
    throw err;
  }
  return data as T;
}

function toApiError(res: Response, data: unknown): ApiError {
  const e = (data && typeof data === 'object' && 'error' in data ? (data as { error: Record<string, unknown> }).error : {}) ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const retryHeader = Number(res.headers.get('retry-after'));
  return new ApiError(
    res.status,
    str(e.message) ?? `HTTP ${res.status}`,
    str(e.code),
    str(e.param),
    (e.location as ConfigLocation | undefined) ?? null,
    num(e.retryAfterSec) ?? (Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : null),
    num(e.lockedUntil),
  );
}

/** Like `api`, but a 404 (route of a plugin that is not loaded) resolves to `null`. */
export async function optionalApi<T>(path: string): Promise<T | null> {
  try {
    return await api<T>(path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** A readable one-line message for any thrown value. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'network') return t('common.unreachable');
    if (!e.location) return e.message;
    const { line, col } = e.location;
    // Config rejections usually say where already (`switchyard.yaml:12:3: path: reason`).
    if (line && e.message.includes(`:${line}:${col}:`)) return e.message;
    const at = [e.location.path ?? e.param, line ? t('common.atLine', { line, col: col ?? '?' }) : null];
    const where = at.filter(Boolean).join(', ');
    return where ? `${e.message} (${where})` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Builds a query string from defined values. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
