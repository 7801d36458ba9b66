import { createSignal } from 'solid-js';
import { api } from '../api/api-client.ts';
import type { AuthState } from '../api/types.ts';

const [authState, setAuthState] = createSignal<AuthState | undefined>(undefined);
const [authError, setAuthError] = createSignal<unknown>(null);

/** The last known login state (`undefined` until the first check answers). */
export { authState, authError };

/** Asks the gateway whether setup is needed and whether this browser is logged in. */
export async function refreshAuth(): Promise<AuthState | undefined> {
  try {
    const s = await api<AuthState>('/api/auth/state', { quiet401: true });
    setAuthState(s);
    setAuthError(null);
    return s;
  } catch (e) {
    setAuthError(e);
    return undefined;
  }
}

/** Marks the session as ended (a protected route answered 401). */
export function markLoggedOut(): void {
  const s = authState();
  setAuthState({ needsSetup: s?.needsSetup ?? false, loggedIn: false, via: null, lockedUntil: s?.lockedUntil ?? null });
}

/** Ends the session on the server and locally. */
export async function logout(): Promise<void> {
  try {
    await api('/api/auth/logout', { method: 'POST', quiet401: true });
  } finally {
    markLoggedOut();
  }
}
