import type { ByteFilter } from '../../../core/plugin/types.ts';
import { eventEndAfter } from '../../../core/util/sse.ts';
import { createWholeEventFilter } from './whole-event-filter.ts';

/**
 * When the gateway adds `stream_options.include_usage` for its own accounting, the client did
 * not ask for the final usage chunk (`choices: []`), and naive clients that read `choices[0]`
 * of every chunk break on it. This filter removes that one event and passes every other byte
 * through untouched; the side parser still reads the upstream's own bytes.
 *
 * It works on bytes, never decoding. Events end at a blank line in any of SSE's line ends (LF,
 * CRLF, CR); a chunk that ends inside an event keeps that event back until its end arrives (the
 * passthrough lane hands over whole events anyway). An event is the usage one when its JSON
 * has an empty `choices` array and a `usage` object, whatever the whitespace around the colons
 * and brackets (Python's `json.dumps` writes `"choices": []`). Chunks without an empty
 * `choices` (all but the last, in practice) cost one native search per `"choices"` and pass as
 * the very same bytes.
 */
const CHOICES = Buffer.from('"choices"');
const USAGE = Buffer.from('"usage"');
const LF = 0x0a;
const CR = 0x0d;

/** Index of the first byte at or after `i` that is not JSON whitespace. */
function skipSpace(b: Buffer, i: number): number {
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === LF || b[i] === CR)) i++;
  return i;
}

/** True when `key` appears in `b` followed by `: <open>` (and, with `close`, `<close>` right after, spaces allowed). */
function hasKeyValue(b: Buffer, key: Buffer, open: number, close?: number): boolean {
  for (let i = b.indexOf(key); i !== -1; i = b.indexOf(key, i + 1)) {
    let j = skipSpace(b, i + key.length);
    if (b[j] !== 0x3a) continue; // :
    j = skipSpace(b, j + 1);
    if (b[j] !== open) continue;
    if (close === undefined || b[skipSpace(b, j + 1)] === close) return true;
  }
  return false;
}

/** `"choices": []` somewhere in `b`. */
function hasEmptyChoices(b: Buffer): boolean {
  return hasKeyValue(b, CHOICES, 0x5b, 0x5d); // [ ]
}

/** True for the usage chunk of a stream (`choices: []` with a `usage` object), in its bytes. */
export function isUsageEvent(event: Buffer): boolean {
  return hasEmptyChoices(event) && hasKeyValue(event, USAGE, 0x7b); // {
}

/** `whole` (complete events) without its usage events; undefined when nothing is left. */
function dropUsageEvents(whole: Buffer): Uint8Array | undefined {
  const kept: Buffer[] = [];
  for (let start = 0; start < whole.length;) {
    const end = eventEndAfter(whole, start);
    const event = whole.subarray(start, end);
    if (!isUsageEvent(event)) kept.push(event);
    start = end;
  }
  return kept.length === 0 ? undefined : kept.length === 1 ? kept[0] : Buffer.concat(kept);
}

export function createUsageFrameFilter(): ByteFilter {
  return createWholeEventFilter(
    (whole) => (hasEmptyChoices(whole) ? dropUsageEvents(whole) : whole),
    (event) => (isUsageEvent(event) ? undefined : event),
  );
}
