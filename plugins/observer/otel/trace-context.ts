/**
 * W3C Trace Context: the `traceparent` header a client may send (`00-<trace>-<span>-<flags>`),
 * and new ids.
 *
 * @see https://www.w3.org/TR/trace-context/#traceparent-header
 */

/** The parent a request arrived with. */
export interface ParentContext {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZEROS = /^0+$/;

/**
 * Parses a `traceparent` value; undefined when it is absent or invalid (then a new trace is
 * started, as the spec says). Version `ff` and all-zero ids are invalid; a later version is read
 * by its first four fields.
 */
export function parseTraceparent(value: string | null | undefined): ParentContext | undefined {
  if (!value) return undefined;
  const m = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ZEROS.test(traceId!) || ZEROS.test(spanId!)) return undefined;
  return { traceId: traceId!, spanId: spanId!, sampled: (parseInt(flags!, 16) & 1) === 1 };
}

/** `bytes` random bytes as lower-case hex (16 for a trace id, 8 for a span id). */
export function randomId(bytes: 16 | 8): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
}
