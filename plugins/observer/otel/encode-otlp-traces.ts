/**
 * Finished spans → the OTLP/HTTP JSON body (`ExportTraceServiceRequest`): ids as hex, times as
 * unix nanoseconds in strings, attributes as typed `AnyValue`s.
 *
 * @see https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
 */

export type AttributeValue = string | number | boolean;

/** A finished span, in the gateway's terms. */
export interface FinishedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 2 = server (the client's request), 3 = client (an upstream attempt). */
  kind: 2 | 3;
  /** Epoch milliseconds, fractions kept. */
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue | undefined>;
  /** Set for a failure (status ERROR, with its message). */
  error?: string;
}

/** What the exported resource says about this process. */
export interface Resource {
  serviceName: string;
  version: string;
}

const STATUS_OK = 1;
const STATUS_ERROR = 2;

/**
 * Written as text, span by span, without building the object tree first: on a busy gateway
 * this runs for two spans per request, and the generic tree plus `JSON.stringify` was most of
 * the plugin's cost.
 */
export function encodeOtlpTraces(spans: readonly FinishedSpan[], resource: Resource): string {
  const res = attributes({ 'service.name': resource.serviceName, 'service.version': resource.version });
  const scope = `{"name":"switchyard","version":${quote(resource.version)}}`;
  return `{"resourceSpans":[{"resource":{"attributes":${res}},"scopeSpans":[{"scope":${scope},"spans":[${spans.map(encodeSpan).join(',')}]}]}]}`;
}

function encodeSpan(s: FinishedSpan): string {
  const parent = s.parentSpanId ? `"parentSpanId":"${s.parentSpanId}",` : '';
  const status = s.error === undefined ? `{"code":${STATUS_OK}}` : `{"code":${STATUS_ERROR},"message":${quote(s.error)}}`;
  return `{"traceId":"${s.traceId}","spanId":"${s.spanId}",${parent}"name":${quote(s.name)},"kind":${s.kind},` +
    `"startTimeUnixNano":"${nanos(s.startMs)}","endTimeUnixNano":"${nanos(Math.max(s.startMs, s.endMs))}",` +
    `"attributes":${attributes(s.attributes)},"status":${status}}`;
}

/**
 * Milliseconds (with fractions) → integer nanoseconds as a decimal string (int64 in JSON). An
 * epoch in ms is already only ~0.2 µs precise as a double, so the product loses nothing more.
 */
export function nanos(ms: number): string {
  return String(Math.round(ms * 1e6));
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/** A JSON string literal; `JSON.stringify` only for text that needs escapes (names and values rarely do). */
function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** Typed `AnyValue`s; undefined values are left out. */
function attributes(attrs: Record<string, AttributeValue | undefined>): string {
  let out = '';
  for (const key in attrs) {
    const v = attrs[key];
    if (v === undefined) continue;
    const value = typeof v === 'string' ? `{"stringValue":${quote(v)}}`
      : typeof v === 'boolean' ? `{"boolValue":${v}}`
        : Number.isInteger(v) ? `{"intValue":"${v}"}`
          : Number.isFinite(v) ? `{"doubleValue":${v}}` : `{"stringValue":"${v}"}`;
    out += `${out ? ',' : ''}{"key":${quote(key)},"value":${value}}`;
  }
  return `[${out}]`;
}
