import { createSignal, For, onCleanup, Show } from 'solid-js';
import { api, errorText } from '../../api/api-client.ts';
import type { FlowStart } from '../../api/types.ts';
import { Modal } from '../../components/modal.tsx';
import { toast } from '../../components/toasts.tsx';
import { CopyButton, Countdown } from '../../components/ui.tsx';
import { t, tx } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';

interface FlowStatusAnswer {
  /** The vendor's terms, as the provider plugin words them (shown before a login starts). */
  riskNotice?: string | null;
  flows: Array<{ id: string; status: 'pending' | 'complete' | 'error'; error?: string; accountId?: string }>;
}

/**
 * Connects an OAuth account: shows the vendor's terms notice, starts a login
 * (`/api/oauth/:provider/start`), shows the link to open or the device code to enter, and polls
 * the flow until it completes. A PKCE login in "paste" mode takes the redirect URL back in a
 * text field; "import" reads the official CLI's file. Closing the dialog before the login ends
 * cancels it (`DELETE …/flows/:id`).
 */
export function OAuthConnectModal(props: {
  provider: string;
  flows: Array<'pkce' | 'device' | 'import'>;
  onClose: () => void;
  onConnected: () => void;
}) {
  const [start, setStart] = createSignal<FlowStart | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [pasted, setPasted] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const base = `/api/oauth/${encodeURIComponent(props.provider)}`;
  const facts = createLoader(() => api<FlowStatusAnswer>(`${base}/status`));
  let timer: ReturnType<typeof setInterval> | undefined;
  /** The login started here and still waiting: closing the dialog cancels it on the gateway. */
  let waiting: string | undefined;
  onCleanup(() => {
    clearInterval(timer);
    if (waiting) void api(`${base}/flows/${encodeURIComponent(waiting)}`, { method: 'DELETE' }).catch(() => undefined);
  });

  const done = (accountId?: string) => {
    waiting = undefined;
    clearInterval(timer);
    toast(t('oauth.connected', { account: accountId ?? '' }));
    props.onConnected();
  };
  const poll = (flowId: string, everyMs: number) => {
    clearInterval(timer);
    timer = setInterval(async () => {
      try {
        const s = await api<FlowStatusAnswer>(`${base}/status?flow=${encodeURIComponent(flowId)}`);
        const f = s.flows[0];
        if (f?.status === 'complete') done(f.accountId);
        else if (f?.status === 'error') {
          waiting = undefined;
          clearInterval(timer);
          setError(f.error ?? t('oauth.failed'));
        }
      } catch (e) {
        setError(errorText(e));
      }
    }, everyMs);
  };
  const begin = async (flow: 'pkce' | 'device' | 'import') => {
    setBusy(true);
    setError(null);
    try {
      if (flow === 'import') {
        const r = await api<{ accountId: string }>(`/api/oauth/import/${encodeURIComponent(props.provider)}`, { method: 'POST', body: {} });
        return done(r.accountId);
      }
      const s = await api<FlowStart>(`${base}/start`, { method: 'POST', body: { flow } });
      setStart(s);
      waiting = s.flowId;
      poll(s.flowId, s.kind === 'device' ? Math.max(2, s.intervalSec) * 1000 : 2000);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const complete = async (e: Event) => {
    e.preventDefault();
    const s = start();
    try {
      const r = await api<{ accountId: string }>(`${base}/complete`, { method: 'POST', body: { url: pasted(), flowId: s?.flowId } });
      done(r.accountId);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <Modal title={t('oauth.title', { provider: props.provider })} onClose={props.onClose}>
      <div class="stack" data-testid="oauth-modal">
        <Show when={!start()}>
          <Show when={facts.data()?.riskNotice}>{(notice) => <div class="alert warn" data-testid="oauth-risk">{notice()}</div>}</Show>
          <p class="muted">{t('oauth.choose')}</p>
          <div class="row">
            <For each={props.flows}>{(f) => (
              <button class="primary" disabled={busy()} onClick={() => void begin(f)}>{tx(`oauth.flow.${f}`, f)}</button>
            )}</For>
          </div>
        </Show>
        <Show when={start()?.kind === 'pkce' ? (start() as Extract<FlowStart, { kind: 'pkce' }>) : null}>
          {(s) => (
            <>
              <p>{t('oauth.openLink')}</p>
              <div class="row"><a class="btn primary" href={s().authUrl} target="_blank" rel="noopener noreferrer">{t('oauth.open')}</a><CopyButton text={s().authUrl} /></div>
              <Show when={s().mode === 'paste'}>
                <form class="stack" onSubmit={complete}>
                  <label class="field"><span>{t('oauth.paste')}</span>
                    <input value={pasted()} onInput={(e) => setPasted(e.currentTarget.value)} required />
                  </label>
                  <button type="submit" class="primary">{t('oauth.finish')}</button>
                </form>
              </Show>
              <p class="muted small">{t('oauth.expires')} <Countdown until={s().expiresAt} /></p>
            </>
          )}
        </Show>
        <Show when={start()?.kind === 'device' ? (start() as Extract<FlowStart, { kind: 'device' }>) : null}>
          {(s) => (
            <>
              <p>{t('oauth.enterCode')}</p>
              <div class="secret" style={{ 'font-size': '22px', 'text-align': 'center' }} data-testid="device-code">{s().userCode}</div>
              <div class="row"><a class="btn primary" href={s().verificationUriComplete ?? s().verificationUri} target="_blank" rel="noopener noreferrer">{s().verificationUri}</a><CopyButton text={s().userCode} /></div>
              <p class="muted small">{t('oauth.waiting')} <Countdown until={s().expiresAt} /></p>
            </>
          )}
        </Show>
        <Show when={error()}><div class="alert err">{error()}</div></Show>
      </div>
    </Modal>
  );
}
