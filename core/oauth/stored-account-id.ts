import type { StoredAccount } from '../db/accounts-repo.ts';
import type { AccountIdentity } from './oauth-types.ts';

/**
 * The row a finished login goes to. Without a workspace: the identity's `accountId` (logging in
 * twice updates one account). With one: the account of that workspace, which is `accountId`
 * when that row holds this workspace (or is free, or predates workspaces), else
 * `<accountId>#<workspace>`, so a second workspace of the same person never overwrites the first.
 */
export function storedAccountId(identity: AccountIdentity, get: (accountId: string) => StoredAccount | undefined): string {
  const ws = identity.workspace;
  if (!ws) return identity.accountId;
  const own = `${identity.accountId}#${ws}`;
  if (get(own)) return own;
  const plain = get(identity.accountId)?.meta.workspace;
  return plain === undefined || plain === ws ? identity.accountId : own;
}
