import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';

/**
 * Makes a SQLite file readable by its owner only (0600) before it is opened: created empty with
 * that mode when missing, its mode set when it exists, and the same for its `-wal` and `-shm`
 * (SQLite gives new ones the database file's mode). The gateway's databases hold usage, debug
 * bodies, session hashes and sealed tokens; a data dir made by hand (`mkdir -p`) may be 0755.
 */
export function privateDatabaseFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(f, 0o600);
    } catch {
      // Not there (no WAL yet), or not ours to change: SQLite opens it as it is.
    }
  }
}
