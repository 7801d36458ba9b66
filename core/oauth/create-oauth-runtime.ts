import type { Bus } from '../bus/bus.ts';
import { createAccountsRepo, type AccountsRepo } from '../db/accounts-repo.ts';
import type { OpenedDatabase } from '../db/open-database.ts';
import { open, seal } from '../crypto/secret-box.ts';
import { loadKeyRing } from '../crypto/secret-keys.ts';
import type { HttpClient } from '../http/types.ts';
import type { Logger } from '../log/logger.ts';
import type { ApiRoute, ProviderRuntime, SecretBox } from '../plugin/types.ts';
import type { PollOptions } from './device-code-flow.ts';
import { oauthAdminRoutes, oauthCallbackRoute } from './oauth-routes.ts';
import { OAuthService } from './oauth-service.ts';
import { withStoredAccounts } from './stored-accounts.ts';

/** Tokens kept for redaction at most; the oldest go first (they have long been replaced). */
const MAX_RUNTIME_SECRETS = 2000;

export interface OAuthRuntimeOptions {
  dataDir: string;
  env: Record<string, string | undefined>;
  db: OpenedDatabase;
  http: HttpClient;
  log: Logger;
  bus: Bus;
  now?: () => number;
  /** The providers of the snapshot now serving. */
  providers(): ReadonlyMap<string, ProviderRuntime>;
  /** Hands the logger the full list of runtime secrets after each registration. */
  setRuntimeSecrets(values: string[]): void;
  /** Stored accounts changed: rebuild provider runtimes (`withStoredAccounts`) and swap them in. */
  onAccountsChanged(): void;
  sleep?: PollOptions['sleep'];
}

/** What the server wires in: the service, its routes, and the account merge for provider runtimes. */
export interface OAuthRuntime {
  readonly repo: AccountsRepo;
  readonly service: OAuthService;
  /** Admin routes (behind the admin check). */
  readonly adminRoutes: ApiRoute[];
  /** Public routes (the OAuth callback). */
  readonly publicRoutes: ApiRoute[];
  registerSecret(value: string): void;
  /** Seals and opens what plugins keep at rest, with the same key ring as the tokens. */
  readonly secretBox: SecretBox;
  /** Runtime secrets registered so far (to merge with the config's on reload). */
  secrets(): string[];
  withStoredAccounts(providers: ReadonlyMap<string, ProviderRuntime>): Map<string, ProviderRuntime>;
  close(): void;
}

/**
 * Builds the OAuth runtime of a gateway: the encryption key ring (env key or
 * `<data-dir>/secret.key`), the accounts repository, the OAuth service and its routes.
 * Errors: throws when the key file cannot be read or created.
 */
export function createOAuthRuntime(o: OAuthRuntimeOptions): OAuthRuntime {
  const ring = loadKeyRing({ dataDir: o.dataDir, env: o.env });
  const repo = createAccountsRepo(o.db, ring, { now: o.now });
  const runtimeSecrets = new Set<string>();
  const registerSecret = (value: string) => {
    if (typeof value !== 'string' || value.length < 8 || runtimeSecrets.has(value)) return;
    runtimeSecrets.add(value);
    if (runtimeSecrets.size > MAX_RUNTIME_SECRETS) runtimeSecrets.delete(runtimeSecrets.values().next().value!);
    o.setRuntimeSecrets([...runtimeSecrets]);
  };
  const service = new OAuthService({
    repo, http: o.http, log: o.log, now: o.now, env: o.env, providers: o.providers, registerSecret, sleep: o.sleep,
    emit: (type, e) => o.bus.emit(type, e),
    onAccountsChanged: o.onAccountsChanged,
  });
  return {
    repo, service, registerSecret,
    secretBox: { seal: (plaintext, aad) => seal(ring, plaintext, aad), open: (blob, keyId, aad) => open(ring, blob, keyId, aad) },
    adminRoutes: oauthAdminRoutes(service),
    publicRoutes: [oauthCallbackRoute(service)],
    secrets: () => [...runtimeSecrets],
    withStoredAccounts: (providers) => {
      service.resyncStates();
      return withStoredAccounts(providers, repo);
    },
    close: () => service.close(),
  };
}
