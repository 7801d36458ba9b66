/**
 * Request ids: the gateway's own for every request, and the client's `X-Request-Id` echoed
 * apart, so a client-chosen value never keys the gateway's per-request state.
 */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Random per process, so ids stay unique across restarts; a counter makes each one cheap. */
const BOOT = Buffer.from(crypto.getRandomValues(new Uint8Array(9))).toString('base64url');
let seq = 0;

/**
 * A new request id (`req_<boot><n>`), always the gateway's own: the guards key their state by
 * it (idempotency entries, concurrency slots, quota holds), so a client's `X-Request-Id` shared
 * by two requests (or two keys) would mix theirs. The client's id comes back as
 * `x-client-request-id` (`clientRequestId`).
 */
export function requestId(): string {
  return `req_${BOOT}${(++seq).toString(36)}`;
}

/** The client's own `X-Request-Id`, when it is sane (letters, digits, `_.:-`, up to 128). */
export function clientRequestId(headers: Headers): string | undefined {
  const given = headers.get('x-request-id');
  return given && REQUEST_ID.test(given) ? given : undefined;
}

/** Sets `x-request-id` (a new id) and, when the client sent one, `x-client-request-id`. */
export function setRequestIds(res: Response, request: Request): Response {
  res.headers.set('x-request-id', requestId());
  const client = clientRequestId(request.headers);
  if (client) res.headers.set('x-client-request-id', client);
  return res;
}
