/**
 * Test helpers of the `openai-responses` translator (imported by its tests only).
 */
import { readFileSync } from 'node:fs';
import type { GatewayRequest, HttpInput } from '../../../core/plugin/types.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { createSseParser, type SseEvent } from '../../../core/util/sse.ts';
import { decodeResponsesRequest } from './decode-responses-request.ts';

/** /work/shared/fixtures, relative to this folder. */
export const FIXTURES = `${import.meta.dir}/../../../../shared/fixtures`;

export function readFixture(path: string): string {
  return readFileSync(`${FIXTURES}/${path}`, 'utf8');
}

export function readJsonFixture<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFixture(path)) as T;
}

/** An HttpInput for `POST /v1/responses` with `body`. */
export function httpInput(body: unknown, path = '/v1/responses'): HttpInput {
  const url = new URL(`http://localhost${path}`);
  const request = new Request(url, { method: 'POST', headers: { authorization: 'Bearer k' } });
  return { request, url, method: 'POST', params: {}, headers: request.headers, body };
}

export function decode(body: unknown): GatewayRequest<'chat'> {
  return decodeResponsesRequest(httpInput(body));
}

/** A ReadableStream of the given parts (optionally failing after them). */
export function partsStream(parts: StreamPart[], failWith?: unknown): ReadableStream<StreamPart> {
  let i = 0;
  return new ReadableStream<StreamPart>({
    pull(controller) {
      if (i < parts.length) controller.enqueue(parts[i++]);
      else if (failWith !== undefined) controller.error(failWith);
      else controller.close();
    },
  });
}

/** Reads a byte stream fully into text. */
export async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

/** Parses SSE text into events with their JSON payloads. */
export function parseSse<T = Record<string, unknown>>(text: string): Array<SseEvent & { json: T }> {
  const parser = createSseParser();
  const events = [...parser.push(text), ...parser.end()];
  return events.map((e) => ({ ...e, json: JSON.parse(e.data) as T }));
}

/**
 * Asserts that `actual` has every key `expected` has, recursively, with the same JSON type;
 * primitive values must be equal unless their dotted path is listed in `loose`.
 * Returns the list of mismatches (empty when it covers).
 */
export function shapeMismatches(actual: unknown, expected: unknown, loose: string[] = [], path = ''): string[] {
  const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (loose.includes(path)) return [];
  if (kind(actual) !== kind(expected)) return [`${path || '<root>'}: ${kind(actual)} instead of ${kind(expected)}`];
  if (Array.isArray(expected)) {
    const a = actual as unknown[];
    if (a.length !== expected.length) return [`${path}: length ${a.length} instead of ${expected.length}`];
    return expected.flatMap((e, i) => shapeMismatches(a[i], e, loose, `${path}[${i}]`));
  }
  if (kind(expected) === 'object') {
    const a = actual as Record<string, unknown>;
    return Object.entries(expected as Record<string, unknown>).flatMap(([k, e]) => {
      const p = path ? `${path}.${k}` : k;
      if (!(k in a)) return loose.includes(p) ? [] : [`${p}: missing`];
      return shapeMismatches(a[k], e, loose, p);
    });
  }
  return actual === expected ? [] : [`${path}: ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`];
}
