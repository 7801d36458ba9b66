import type { Database } from 'bun:sqlite';

/**
 * Tells whether a database may have changed since it was last asked, for caches of rows that
 * another process (the CLI) may change at any time.
 */
export interface ChangeMarker {
  /**
   * A number that moves whenever a write was committed by any connection in any process since
   * the previous call, or `undefined` when that cannot be told (then nothing may be cached).
   */
  version(): number | undefined;
  /** Releases the file handle. Later calls answer `undefined`. */
  close(): void;
}

/** `iVersion` of the wal-index header (the WAL format of SQLite ≥ 3.7.0). */
const WAL_INDEX_VERSION = 3007000;
/** The first copy of the wal-index header: 48 bytes at offset 0 of the `-shm` file. */
const HEADER_BYTES = 48;

/**
 * A change marker for a bun:sqlite database.
 *
 * WAL database file: every commit, by any connection, rewrites the wal-index header in the
 * `-shm` file (frame count, checksums, salts; see https://www.sqlite.org/walformat.html).
 * Comparing that header with the previous one answers "did anything commit since?" far cheaper
 * than any statement (which would start a read transaction). The file is mapped into memory,
 * as SQLite itself uses it, so a call reads 48 bytes and makes no system call (a `pread` per
 * request cost ~2 % of the gateway's CPU under load and ~20 µs on a cold request). A header
 * that does not look like an initialized wal-index answers `undefined`.
 *
 * The mapping is safe while this process keeps the database open: SQLite truncates the `-shm`
 * file only when a connection opens it with no other connection holding it, and `close` (which
 * `openDatabase` calls before closing the database) drops the mapping.
 *
 * In-memory database (`file` undefined): only this connection can write, so SQLite's
 * `total_changes()` is the marker.
 */
export function createChangeMarker(sqlite: Database, file?: string): ChangeMarker {
  if (!file) {
    const changes = sqlite.query<[number], []>('SELECT total_changes()');
    let closed = false;
    return {
      version: () => (closed ? undefined : Number(changes.values()[0]![0])),
      close: () => void (closed = true),
    };
  }
  let header: Uint8Array | undefined;
  let words: Uint32Array | undefined;
  let closed = false;
  const last = new Uint32Array(HEADER_BYTES / 4);
  let counter = 0;
  return {
    version() {
      if (closed) return undefined;
      if (!words || !header) {
        try {
          // Mapped once its header exists (the first connection sizes the file when it starts WAL).
          const mapped = Bun.mmap(`${file}-shm`);
          if (mapped.byteLength < HEADER_BYTES) return undefined;
          header = mapped.subarray(0, HEADER_BYTES);
          words = new Uint32Array(mapped.buffer, mapped.byteOffset, HEADER_BYTES / 4);
        } catch {
          return undefined;
        }
      }
      // Native byte order; byte 12 is `isInit`.
      if (words[0] !== WAL_INDEX_VERSION || header[12] !== 1) return undefined;
      for (let i = 0; i < last.length; i++) {
        if (words[i] !== last[i]) {
          last.set(words);
          return ++counter;
        }
      }
      return counter;
    },
    close() {
      closed = true;
      header = words = undefined;
    },
  };
}
