/**
 * A small route table for plugin routes, rebuilt with every snapshot (Elysia cannot remove
 * routes, and plugin routes come and go with hot reload). Static paths are one Map lookup;
 * `:param` segments match one segment, and a `:param` in the last position matches the rest
 * of the path (Gemini model names may contain `/` and `:`).
 */
export interface RouteTable<T> {
  match(method: string, path: string): { value: T; params: Record<string, string> } | undefined;
  /** Every route, for the API docs. */
  list(): Array<{ method: string; path: string; value: T }>;
}

interface ParamRoute<T> {
  method: string;
  path: string;
  segments: string[];
  value: T;
}

export function compileRoutes<T>(routes: Array<{ method: string; path: string; value: T }>): RouteTable<T> {
  const statics = new Map<string, T>();
  const params: ParamRoute<T>[] = [];
  for (const r of routes) {
    if (r.path.includes('/:')) params.push({ ...r, segments: r.path.split('/') });
    else if (!statics.has(`${r.method} ${r.path}`)) statics.set(`${r.method} ${r.path}`, r.value);
  }
  return {
    match(method, path) {
      const hit = statics.get(`${method} ${path}`);
      if (hit !== undefined) return { value: hit, params: {} };
      if (params.length === 0) return undefined;
      const parts = path.split('/');
      for (const r of params) {
        if (r.method !== method) continue;
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
