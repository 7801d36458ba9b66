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

export function encodeOtlpTraces(spans: readonly FinishedSpan[], resource: Resource): string {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: attributes({ 'service.name': resource.serviceName, 'service.version': resource.version }) },
      scopeSpans: [{ scope: { name: 'switchyard', version: resource.version }, spans: spans.map(encodeSpan) }],
    }],
  });
}

function encodeSpan(s: FinishedSpan): Record<string, unknown> {
  const out: Record<string, unknown> = {
    traceId: s.traceId,
    spanId: s.spanId,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: nanos(s.startMs),
    endTimeUnixNano: nanos(Math.max(s.startMs, s.endMs)),
    attributes: attributes(s.attributes),
    status: s.error === undefined ? { code: STATUS_OK } : { code: STATUS_ERROR, message: s.error },
  };
  if (s.parentSpanId) out.parentSpanId = s.parentSpanId;
  return out;
}

/** Milliseconds (with fractions) → integer nanoseconds as a decimal string (int64 in JSON). */
export function nanos(ms: number): string {
  const whole = Math.floor(ms);
  const frac = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(frac)).toString();
}

function attributes(attrs: Record<string, AttributeValue | undefined>): Array<{ key: string; value: Record<string, unknown> }> {
  const out: Array<{ key: string; value: Record<string, unknown> }> = [];
  for (const [key, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    if (typeof v === 'string') out.push({ key, value: { stringValue: v } });
    else if (typeof v === 'boolean') out.push({ key, value: { boolValue: v } });
    else if (Number.isInteger(v)) out.push({ key, value: { intValue: String(v) } });
    else out.push({ key, value: { doubleValue: v } });
  }
  return out;
}
