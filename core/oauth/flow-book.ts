import type { FlowStatus } from './oauth-types.ts';

/** A login in progress. Secrets (verifier, device code) stay here, in memory only. */
export interface PendingFlow extends FlowStatus {
  /** PKCE: the verifier and the redirect URI the code was issued for. */
  verifier?: string;
  redirectUri?: string;
  /** Device flow: stops the background poll. */
  abort?: AbortController;
}

/** How long a finished flow stays visible to status calls. */
const KEEP_FINISHED_MS = 10 * 60_000;
/** A bound on pending logins, so a client looping on `start` cannot grow memory. */
const MAX_FLOWS = 200;

/**
 * Pending and recently finished logins, by id (for PKCE the id is the `state`). A flow is
 * taken by id exactly once for completion (`take`), so a code cannot be replayed into a second
 * account, and an unknown or expired id is simply not found.
 */
export class FlowBook {
  private readonly flows = new Map<string, PendingFlow>();

  constructor(private readonly now: () => number) {}

  add(flow: PendingFlow): void {
    this.sweep();
    if (this.flows.size >= MAX_FLOWS) {
      const oldest = this.flows.keys().next().value;
      if (oldest !== undefined) this.drop(oldest);
    }
    this.flows.set(flow.id, flow);
  }

  /**
   * The pending flow of this kind with this id, removed from the pending set; undefined when
   * unknown, of another kind or provider, expired or finished. A device login's id given as a
   * PKCE state is not found, so it neither looks finished nor fails while its poll still runs.
   */
  take(id: string, kind: PendingFlow['kind'], provider?: string): PendingFlow | undefined {
    const f = this.flows.get(id);
    if (!f || f.status !== 'pending' || f.kind !== kind || (provider !== undefined && f.provider !== provider)) return undefined;
    if (f.expiresAt <= this.now()) {
      this.finish(f, 'error', 'the login expired: start it again');
      return undefined;
    }
    f.status = 'complete'; // claimed; `finish` sets the real outcome
    return f;
  }

  /** Records the outcome; the verifier is forgotten. */
  finish(f: PendingFlow, status: 'complete' | 'error', error?: string, accountId?: string): void {
    f.status = status;
    delete f.verifier;
    if (error !== undefined) f.error = error;
    if (accountId !== undefined) f.accountId = accountId;
    f.expiresAt = Math.max(f.expiresAt, this.now() + KEEP_FINISHED_MS);
  }

  /**
   * Ends a pending login of `provider` at the user's request: a device poll stops, a PKCE
   * redirect that comes later is refused. False when there is no such pending login.
   */
  cancel(id: string, provider: string): boolean {
    const f = this.flows.get(id);
    if (!f || f.provider !== provider || f.status !== 'pending') return false;
    f.abort?.abort();
    this.finish(f, 'error', 'the login was cancelled');
    return true;
  }

  get(id: string): FlowStatus | undefined {
    const f = this.flows.get(id);
    return f ? publicView(f) : undefined;
  }

  /** Flows of one provider, newest last. */
  list(provider: string): FlowStatus[] {
    this.sweep();
    return [...this.flows.values()].filter((f) => f.provider === provider).map(publicView);
  }

  /** Pending PKCE flows of one provider (a pasted bare code names none). */
  pending(provider: string, kind: 'pkce' | 'device'): PendingFlow[] {
    return [...this.flows.values()].filter((f) => f.provider === provider && f.kind === kind && f.status === 'pending' && f.expiresAt > this.now());
  }

  /** Stops every background poll (shutdown). */
  close(): void {
    for (const id of [...this.flows.keys()]) this.drop(id);
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, f] of this.flows) {
      if (f.expiresAt > t) continue;
      if (f.status === 'pending') {
        f.abort?.abort();
        this.finish(f, 'error', 'the login expired: start it again');
      } else {
        this.drop(id);
      }
    }
  }

  private drop(id: string): void {
    this.flows.get(id)?.abort?.abort();
    this.flows.delete(id);
  }
}

function publicView(f: PendingFlow): FlowStatus {
  return {
    id: f.id, provider: f.provider, kind: f.kind, status: f.status, expiresAt: f.expiresAt,
    ...(f.error === undefined ? {} : { error: f.error }),
    ...(f.accountId === undefined ? {} : { accountId: f.accountId }),
  };
}
