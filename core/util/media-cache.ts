/**
 * Media fetched by URL for an upstream that takes bytes only (`inline-remote-media.ts`), kept a
 * little while: a conversation sends its whole history each turn, so an image given by URL in
 * its first message would be fetched again on every turn. Entries are keyed by scope (the
 * provider, whose SSRF policy and proxy fetched them: another provider's request must fetch for
 * itself) and URL, live `ttlMs`, and the least recently used go once the cache holds more than
 * `maxBytes` of fetched bytes.
 */

/** One fetched item: base64 bytes, their media type, and how many bytes they were. */
export interface Media {
  data: string;
  mediaType: string;
  bytes: number;
}

export interface MediaCache {
  get(scope: string, url: string): Media | undefined;
  set(scope: string, url: string, media: Media): void;
}

export interface MediaCacheOptions {
  /** Default 32 MB of fetched bytes (their base64 is a third more). */
  maxBytes?: number;
  /** Default 10 minutes. */
  ttlMs?: number;
  now?: () => number;
}

/** Creates an empty cache. An item larger than `maxBytes` is not kept. */
export function createMediaCache(opts: MediaCacheOptions = {}): MediaCache {
  const maxBytes = opts.maxBytes ?? 32 * 1024 * 1024;
  const ttlMs = opts.ttlMs ?? 10 * 60_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, Media & { at: number }>();
  let held = 0;
  const drop = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    held -= e.bytes;
  };
  return {
    get(scope, url) {
      const key = `${scope}\0${url}`;
      const e = entries.get(key);
      if (!e) return undefined;
      if (now() - e.at > ttlMs) {
        drop(key);
        return undefined;
      }
      // Most recently used last: eviction takes the first.
      entries.delete(key);
      entries.set(key, e);
      return { data: e.data, mediaType: e.mediaType, bytes: e.bytes };
    },
    set(scope, url, media) {
      if (media.bytes > maxBytes) return;
      const key = `${scope}\0${url}`;
      drop(key);
      entries.set(key, { ...media, at: now() });
      held += media.bytes;
      for (const oldest of entries.keys()) {
        if (held <= maxBytes) break;
        drop(oldest);
      }
    },
  };
}
