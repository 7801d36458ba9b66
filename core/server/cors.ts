/**
 * CORS, closed by default: only origins listed in `server.cors_origins` get CORS headers
 * (`*` allows any origin). Browsers elsewhere cannot read gateway answers.
 */
const ALLOW_HEADERS = 'authorization, content-type, x-api-key, x-goog-api-key, anthropic-version, anthropic-beta, idempotency-key, x-request-id';
/** A list of header names (the SDKs in a browser send their own: `x-stainless-*`, `anthropic-dangerous-direct-browser-access`). */
const HEADER_LIST = /^[!#$%&'*+.^\w`|~-]+(?:\s*,\s*[!#$%&'*+.^\w`|~-]+)*$/;
/** What a page may read from an answer beyond the safelisted headers. */
const EXPOSE_HEADERS = [
  'x-request-id', 'x-client-request-id', 'x-switchyard-cache', 'x-switchyard-reasoning', 'idempotent-replayed', 'age', 'retry-after',
  'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens',
].join(', ');

function allowed(origin: string | null, origins: readonly string[]): origin is string {
  return origin !== null && origins.length > 0 && (origins.includes('*') || origins.includes(origin));
}

/** Answers a CORS preflight for an allowed origin; otherwise lets the request through. */
export function preflight(request: Request, origins: readonly string[]): Response | undefined {
  if (request.method !== 'OPTIONS' || !request.headers.has('access-control-request-method')) return undefined;
  const origin = request.headers.get('origin');
  if (!allowed(origin, origins)) return new Response(null, { status: 403 });
  const asked = request.headers.get('access-control-request-headers');
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
      // An allowed origin may send any header it asks for: the client key is what guards the API.
      'access-control-allow-headers': asked !== null && HEADER_LIST.test(asked.trim()) ? asked.trim() : ALLOW_HEADERS,
      'access-control-max-age': '600',
      vary: 'origin',
    },
  });
}

/** Adds CORS headers to a response for an allowed origin. */
export function applyCors(res: Response, request: Request, origins: readonly string[]): Response {
  if (origins.length === 0) return res;
  const origin = request.headers.get('origin');
  if (!allowed(origin, origins)) return res;
  res.headers.set('access-control-allow-origin', origin);
  res.headers.set('access-control-expose-headers', EXPOSE_HEADERS);
  res.headers.append('vary', 'origin');
  return res;
}
