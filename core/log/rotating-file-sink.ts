import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Size-rotated append-only file: `x.log`, then `x.log.1` (newest) … `x.log.<keep>` (oldest). */
export interface RotatingFileSink {
  /** Appends text synchronously (one write call), rotating first when it would pass the limit. */
  write(text: string): void;
  close(): void;
}

/**
 * Opens `path` for appending (creating its folder). The logger calls `write` with whole
 * batches of lines, so a line never straddles two files.
 *
 * Errors: throws when the folder or file cannot be opened; a failed rotation rename is ignored
 * (the file keeps growing rather than losing lines).
 */
export function createRotatingFileSink(path: string, opts: { maxBytes: number; keep: number }): RotatingFileSink {
  mkdirSync(dirname(path), { recursive: true });
  let fd = openSync(path, 'a', 0o600);
  let size = fstatSync(fd).size;
  const maxBytes = Math.max(1024, opts.maxBytes);
  const keep = Math.max(0, Math.floor(opts.keep));

  function rotate(): void {
    closeSync(fd);
    try {
      if (keep === 0) rmSync(path, { force: true });
      else {
        rmSync(`${path}.${keep}`, { force: true });
        for (let i = keep - 1; i >= 1; i--) {
          try {
            renameSync(`${path}.${i}`, `${path}.${i + 1}`);
          } catch {
            // that generation does not exist yet
          }
        }
        renameSync(path, `${path}.1`);
      }
    } catch {
      // Rotation failed (permissions, another process): keep appending to the same file.
    }
    fd = openSync(path, 'a', 0o600);
    size = fstatSync(fd).size;
  }

  return {
    write(text) {
      const bytes = Buffer.byteLength(text);
      if (size > 0 && size + bytes > maxBytes) rotate();
      writeSync(fd, text);
      size += bytes;
    },
    close() {
      if (fd < 0) return;
      closeSync(fd);
      fd = -1;
    },
  };
}
