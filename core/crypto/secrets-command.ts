import { join } from 'node:path';
import { createAccountsRepo } from '../db/accounts-repo.ts';
import { openDatabase } from '../db/open-database.ts';
import { loadKeyRing, PREVIOUS_KEY_FILE, rotateKeyFile } from './secret-keys.ts';

export interface SecretsCommandOptions {
  dataDir: string;
  env?: Record<string, string | undefined>;
  /** Where the report goes (default console.log / console.error). */
  out?: (line: string) => void;
  err?: (line: string) => void;
}

export const SECRETS_USAGE = 'Usage: switchyard secrets rotate | secrets reseal';

/**
 * `switchyard secrets rotate | reseal`: the encryption key of stored tokens (OAuth accounts,
 * dashboard-added API keys).
 *
 * - `rotate`: a new random key in `<data-dir>/secret.key`, the old one kept in
 *   `secret.key.previous`, then every stored token re-encrypted with the new key. A running
 *   gateway picks the new key up by itself (its key ring re-reads the files when they change).
 * - `reseal`: re-encrypts what is still sealed with an earlier key, e.g. after moving
 *   `SWITCHYARD_SECRET_KEY` to a new value with the old one in `SWITCHYARD_SECRET_KEY_PREVIOUS`.
 *
 * Both end with how many stored tokens each key seals. Exit code 0, or 1 when a token could not
 * be opened with any known key (it is left as it is).
 */
export function secretsCommand(sub: string | undefined, o: SecretsCommandOptions): number {
  const out = o.out ?? ((l: string) => console.log(l));
  const err = o.err ?? ((l: string) => console.error(l));
  const env = o.env ?? process.env;
  if (sub !== 'rotate' && sub !== 'reseal') {
    err(SECRETS_USAGE);
    return 2;
  }
  if (sub === 'rotate') {
    if (env.SWITCHYARD_SECRET_KEY?.trim()) {
      err('The key comes from SWITCHYARD_SECRET_KEY, so it is rotated there: set the new key in SWITCHYARD_SECRET_KEY and the old one in SWITCHYARD_SECRET_KEY_PREVIOUS, restart the gateway, then run `switchyard secrets reseal`.');
      return 2;
    }
    const r = rotateKeyFile(o.dataDir);
    out(`New key ${r.current} in ${join(o.dataDir, 'secret.key')}; the previous key ${r.previous} is kept in ${join(o.dataDir, PREVIOUS_KEY_FILE)}.`);
  }
  const db = openDatabase(o.dataDir);
  try {
    const ring = loadKeyRing({ dataDir: o.dataDir, env });
    const repo = createAccountsRepo(db, ring);
    const { moved, failed } = repo.reseal();
    out(`Re-encrypted ${moved} stored token${moved === 1 ? '' : 's'} with key ${ring.current.id}.`);
    const byKey = new Map<string, number>();
    for (const a of repo.list()) if (a.keyId) byKey.set(a.keyId, (byKey.get(a.keyId) ?? 0) + 1);
    for (const [id, n] of byKey) out(`  key ${id}${id === ring.current.id ? ' (current)' : ''}: ${n} stored token${n === 1 ? '' : 's'}`);
    if (failed > 0) {
      err(`${failed} stored token${failed === 1 ? '' : 's'} could not be opened with any known key and stayed as they were: add the key that sealed them to SWITCHYARD_SECRET_KEY_PREVIOUS, or connect those accounts again.`);
      return 1;
    }
    return 0;
  } finally {
    db.close();
  }
}
