/**
 * A small route table for plugin routes, rebuilt with every snapshot (Elysia cannot remove
 * routes, and plugin routes come and go with hot reload). Static paths are one Map lookup;
 * `:param` segments match one segment, and a `:param` in the last position matches the rest
 * of the path (Gemini model names may contain `/` and `:`).
 *
 * A route with a `header` answers only requests that carry that header, ahead of the routes
 * without one: two dialects can share a path (`GET /v1/models` for OpenAI clients, and for
 * Anthropic clients, which send `anthropic-version`). Otherwise the first route of a path wins.
 */
export interface RouteTable<T> {
  match(method: string, path: string, headers?: Headers): { value: T; params: Record<string, string> } | undefined;
  /** Every route, for the API docs. */
  list(): Array<{ method: string; path: string; header?: string; value: T }>;
}

interface ParamRoute<T> {
  method: string;
  path: string;
  header?: string;
  segments: string[];
  value: T;
}

export function compileRoutes<T>(routes: Array<{ method: string; path: string; header?: string; value: T }>): RouteTable<T> {
  const statics = new Map<string, T>();
  /** Static routes that need a header, by `METHOD path`: looked up only when there are any. */
  const withHeader = new Map<string, Array<{ header: string; value: T }>>();
  const params: ParamRoute<T>[] = [];
  for (const r of routes) {
    const key = `${r.method} ${r.path}`;
    if (r.path.includes('/:')) params.push({ ...r, segments: r.path.split('/') });
    else if (r.header) withHeader.set(key, [...(withHeader.get(key) ?? []), { header: r.header, value: r.value }]);
    else if (!statics.has(key)) statics.set(key, r.value);
  }
  // Header routes first; then longer patterns, since a last parameter takes the rest of the
  // path (`/v1/responses/:id` would swallow `/v1/responses/:id/input_items`); else as given.
  params.sort((a, b) => Number(!a.header) - Number(!b.header) || b.segments.length - a.segments.length);
  return {
    match(method, path, headers) {
      const key = `${method} ${path}`;
      const guarded = headers && withHeader.size > 0 ? withHeader.get(key) : undefined;
      if (guarded) for (const r of guarded) if (headers!.has(r.header)) return { value: r.value, params: {} };
      const hit = statics.get(key);
      if (hit !== undefined) return { value: hit, params: {} };
      if (params.length === 0) return undefined;
      const parts = path.split('/');
      for (const r of params) {
        if (r.method !== method || (r.header && !headers?.has(r.header))) continue;
        const p = matchSegments(r.segments, parts);
        if (p) return { value: r.value, params: p };
      }
      return undefined;
    },
    list: () => routes,
  };
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const seg = pattern[i];
    const last = i === pattern.length - 1;
    if (seg.startsWith(':')) {
      const value = last ? parts.slice(i).join('/') : parts[i];
      if (value === undefined || value === '') return undefined;
      out[seg.slice(1)] = safeDecode(value);
      if (last) return out;
    } else if (seg !== parts[i]) {
      return undefined;
    }
  }
  return parts.length === pattern.length ? out : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
