import type { AccountsRepo } from '../db/accounts-repo.ts';
import type { QuotaWindow } from './oauth-types.ts';

/** Windows of one account and when they were reported (null: never). */
export interface WindowEntry {
  windows: QuotaWindow[];
  at: number | null;
}

const keyOf = (provider: string, accountId: string) => `${provider}\u0000${accountId}`;

/**
 * Live quota windows per account: kept in memory for the routing guard (read on every attempt),
 * persisted in the stored account's `meta` so the dashboard shows them after a restart. An
 * account the store does not hold (a `keys:` token) keeps its windows in memory only.
 */
export class WindowBook {
  private readonly byKey = new Map<string, WindowEntry>();

  constructor(private readonly repo: AccountsRepo, private readonly now: () => number) {}

  set(provider: string, accountId: string, windows: QuotaWindow[]): void {
    const at = this.now();
    this.byKey.set(keyOf(provider, accountId), { windows, at });
    if (this.repo.get(provider, accountId)) this.repo.mergeMeta(provider, accountId, { windows, windowsAt: at });
  }

  get(provider: string, accountId: string): WindowEntry {
    const key = keyOf(provider, accountId);
    const hit = this.byKey.get(key);
    if (hit) return hit;
    const meta = this.repo.get(provider, accountId)?.meta;
    const entry: WindowEntry = {
      windows: Array.isArray(meta?.windows) ? (meta.windows as QuotaWindow[]) : [],
      at: typeof meta?.windowsAt === 'number' ? meta.windowsAt : null,
    };
    this.byKey.set(key, entry);
    return entry;
  }

  forget(provider: string, accountId: string): void {
    this.byKey.delete(keyOf(provider, accountId));
  }
}
