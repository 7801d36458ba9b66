import type { Database } from 'bun:sqlite';
import { closeSync, openSync, readSync } from 'node:fs';

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
 * `-shm` file (frame count, checksums, salts; see https://www.sqlite.org/walformat.html). One
 * 48-byte `pread` of that header, compared with the previous one, answers "did anything commit
 * since?" far cheaper than any statement (which would start a read transaction). A header that
 * does not look like an initialized wal-index answers `undefined`.
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
  let fd: number | undefined;
  let failed = false;
  const header = new Uint8Array(HEADER_BYTES);
  const words = new Uint32Array(header.buffer);
  const last = new Uint32Array(HEADER_BYTES / 4);
  let counter = 0;
  return {
    version() {
      if (failed) return undefined;
      try {
        fd ??= openSync(`${file}-shm`, 'r');
        if (readSync(fd, header, 0, HEADER_BYTES, 0) !== HEADER_BYTES) return undefined;
      } catch {
        return undefined;
      }
      // Native byte order; byte 12 is `isInit`.
      if (words[0] !== WAL_INDEX_VERSION || header[12] !== 1) return undefined;
      for (let i = 0; i < words.length; i++) {
        if (words[i] !== last[i]) {
          last.set(words);
          return ++counter;
        }
      }
      return counter;
    },
    close() {
      failed = true;
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
