import type { StoredAccount } from '../db/accounts-repo.ts';
import type { AccountIdentity } from './oauth-types.ts';

/**
 * The row a finished login goes to. Without a workspace: the identity's `accountId` (logging in
 * twice updates one account). With one: the account of that workspace, which is `accountId`
 * when that row holds this workspace (or is free, or predates workspaces), else
 * `<accountId>#<workspace>`, so a second workspace of the same person never overwrites the first.
 * An id that is not an OAuth login's (`taken`: a key typed in the dashboard under that label, a
 * config account of that id) is never reused: the login goes to `<id>-oauth` (`-oauth-2`, …),
 * so it neither overwrites the key nor hides behind the config account.
 */
export function storedAccountId(
  identity: AccountIdentity, get: (accountId: string) => StoredAccount | undefined, taken: (accountId: string) => boolean = () => false,
): string {
  const id = loginRow(identity, get);
  if (!taken(id)) return id;
  for (let n = 1; ; n++) {
    const other = n === 1 ? `${id}-oauth` : `${id}-oauth-${n}`;
    if (!taken(other)) return other;
  }
}

function loginRow(identity: AccountIdentity, get: (accountId: string) => StoredAccount | undefined): string {
  const ws = identity.workspace;
  if (!ws) return identity.accountId;
  const own = `${identity.accountId}#${ws}`;
  if (get(own)) return own;
  const plain = get(identity.accountId)?.meta.workspace;
  return plain === undefined || plain === ws ? identity.accountId : own;
}
