import type { CallResult } from '../../../core/plugin/types.ts';
import { resultToParts } from '../../../core/types/result-to-parts.ts';
import type { CacheEntry } from './cache-store.ts';
import { streamOf } from '../../../core/util/stream-of.ts';

/** Response header naming the cache's verdict: `hit`, `miss` or `bypass`. */
export const CACHE_HEADER = 'x-switchyard-cache';
/** On a hit: `exact` or `semantic`. */
export const TIER_HEADER = 'x-switchyard-cache-tier';
/** On a semantic hit: the cosine similarity of the matched prompt. */
export const SIMILARITY_HEADER = 'x-switchyard-cache-similarity';

/**
 * What the client's request headers ask of the cache:
 * `none` (`X-Switchyard-Cache: bypass` or `Cache-Control: no-store`) neither reads nor writes;
 * `refresh` (`Cache-Control: no-cache`) skips the lookup but stores the fresh reply;
 * `normal` otherwise.
 */
export function cacheDirective(headers: Headers): 'normal' | 'refresh' | 'none' {
  if (headers.get(CACHE_HEADER)?.trim().toLowerCase() === 'bypass') return 'none';
  const cc = headers.get('cache-control')?.toLowerCase() ?? '';
  if (/(^|[\s,])no-store($|[\s,])/.test(cc)) return 'none';
  if (/(^|[\s,])no-cache($|[\s,=])/.test(cc)) return 'refresh';
  return 'normal';
}

/**
 * A fresh call result from a cached entry, for `beforeRequest`'s `{respond}`: the result for a
 * non-streamed request, its parts as a stream for a streamed one. The client's translator
 * encodes either in its own dialect. Each replay gets its own copy.
 */
export function replayEntry(entry: CacheEntry, stream: boolean): CallResult {
  const result = structuredClone(entry.result);
  if (!stream) return { type: 'result', result };
  return { type: 'stream', parts: streamOf(resultToParts(result)) };
}
