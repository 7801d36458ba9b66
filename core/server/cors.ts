/**
 * CORS, closed by default: only origins listed in `server.cors_origins` get CORS headers
 * (`*` allows any origin). Browsers elsewhere cannot read gateway answers.
 */
const ALLOW_HEADERS = 'authorization, content-type, x-api-key, x-goog-api-key, anthropic-version, anthropic-beta, idempotency-key, x-request-id';

function allowed(origin: string | null, origins: readonly string[]): origin is string {
  return origin !== null && origins.length > 0 && (origins.includes('*') || origins.includes(origin));
}

/** Answers a CORS preflight for an allowed origin; otherwise lets the request through. */
export function preflight(request: Request, origins: readonly string[]): Response | undefined {
  if (request.method !== 'OPTIONS' || !request.headers.has('access-control-request-method')) return undefined;
  const origin = request.headers.get('origin');
  if (!allowed(origin, origins)) return new Response(null, { status: 403 });
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
      'access-control-allow-headers': ALLOW_HEADERS,
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
  res.headers.set('access-control-expose-headers', 'x-request-id, x-switchyard-cache, idempotent-replayed');
  res.headers.append('vary', 'origin');
  return res;
}
