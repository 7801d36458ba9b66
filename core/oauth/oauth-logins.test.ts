import { describe, expect, test } from 'bun:test';
import { FlowBook } from './flow-book.ts';
import { completeCallback, completePaste, type LoginDeps } from './oauth-logins.ts';

function deps(flows: FlowBook): LoginDeps {
  return {
    specFor: () => ({ spec: { type: 't', displayName: 't', flows: ['pkce', 'device'], endpoints: { clientId: 'c', tokenUrl: 'x', scopes: [], urls: {} } }, ctx: {} as never }),
    finish: async () => 'acct', flows, env: {}, now: () => 1000, log: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } }, sleep: undefined,
  };
}

describe('login completion', () => {
  test('the id of a pending device login used as a redirect state is refused and leaves the device login pending', async () => {
    const flows = new FlowBook(() => 1000);
    flows.add({ id: 'dev-flow-1', provider: 'gh', kind: 'device', status: 'pending', expiresAt: 900_000, abort: new AbortController() });
    await expect(completeCallback(deps(flows), new URLSearchParams({ state: 'dev-flow-1', code: 'c' }))).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(completePaste(deps(flows), 'gh', { input: 'code-1', flowId: 'dev-flow-1' })).rejects.toMatchObject({ code: 'invalid_state' });
    expect(flows.get('dev-flow-1')).toMatchObject({ status: 'pending' });
  });
});
