import { createMemo, createSignal, For, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import type { Preset } from '../../api/types.ts';
import { Modal } from '../../components/modal.tsx';
import { toast } from '../../components/toasts.tsx';
import { ErrorBox, Field, useAction } from '../../components/ui.tsx';
import { t, tn } from '../../i18n/i18n.ts';

const splitList = (s: string) => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
const NAME_RE = /^[A-Za-z0-9._-]+$/;

/**
 * Adds a provider from the preset catalogue, or a custom OpenAI/Anthropic/Gemini-compatible
 * endpoint. A typed API key goes to the database (encrypted), never to the YAML; afterwards it
 * is only ever shown masked.
 */
export function AddProviderModal(props: {
  catalogue: { presets: Preset[]; types: string[]; typesWithoutUrl?: string[] } | undefined;
  existing: string[];
  onClose: () => void;
  onAdded: () => void;
}) {
  const [mode, setMode] = createSignal<'preset' | 'custom'>('preset');
  const [presetId, setPresetId] = createSignal('');
  const [filter, setFilter] = createSignal('');
  const [name, setName] = createSignal('');
  const [type, setType] = createSignal('openai');
  const [baseUrl, setBaseUrl] = createSignal('');
  const [models, setModels] = createSignal('');
  const [apiKey, setApiKey] = createSignal('');
  const [keyEnv, setKeyEnv] = createSignal('');
  const [privateNet, setPrivateNet] = createSignal(false);
  const preset = createMemo(() => props.catalogue?.presets.find((p) => p.id === presetId()));
  const presets = createMemo(() => {
    const f = filter().toLowerCase();
    return (props.catalogue?.presets ?? []).filter((p) => !f || p.id.includes(f) || p.name.toLowerCase().includes(f));
  });
  const types = () => props.catalogue?.types.filter((x) => x !== 'mock') ?? ['openai', 'anthropic', 'gemini'];
  const needsUrl = () => !props.catalogue?.typesWithoutUrl?.includes(type());
  const pickPreset = (id: string) => {
    setPresetId(id);
    if (!name() || props.catalogue?.presets.some((p) => p.id === name())) setName(id);
    const p = props.catalogue?.presets.find((x) => x.id === id);
    if (p?.local) setPrivateNet(true);
  };
  const nameProblem = () => {
    if (!name()) return null;
    if (!NAME_RE.test(name())) return t('providers.nameInvalid');
    if (props.existing.includes(name())) return t('providers.nameTaken');
    return null;
  };
  const [submit, busy, error] = useAction(async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = { name: name() };
    if (mode() === 'preset') body.preset = presetId();
    else Object.assign(body, { type: type() }, baseUrl() ? { baseUrl: baseUrl() } : {});
    if (models()) body.models = splitList(models());
    if (apiKey()) body.apiKey = apiKey();
    if (keyEnv()) body.keyEnv = keyEnv();
    if (privateNet()) body.allowPrivateNetwork = true;
    await api('/api/providers', { method: 'POST', body });
    setApiKey('');
    toast(t('providers.added', { name: name() }));
    props.onAdded();
  }, true);
  const ready = () => !!name() && !nameProblem() && (mode() === 'preset' ? !!presetId() : !!baseUrl() || !needsUrl());

  return (
    <Modal title={t('providers.add')} onClose={props.onClose} wide>
      <div class="tabs" role="tablist">
        <button role="tab" class={mode() === 'preset' ? 'active' : ''} data-testid="mode-preset" onClick={() => setMode('preset')}>{t('providers.fromPreset')}</button>
        <button role="tab" class={mode() === 'custom' ? 'active' : ''} data-testid="mode-custom" onClick={() => setMode('custom')}>{t('providers.custom')}</button>
      </div>
      <form class="stack" onSubmit={(e) => void submit(e)} data-testid="add-provider-form">
        <Show when={mode() === 'preset'}>
          <div class="row">
            <input placeholder={t('common.search')} aria-label={t('common.search')} value={filter()} onInput={(e) => setFilter(e.currentTarget.value)} />
            <select aria-label={t('providers.preset')} data-testid="preset-select" size={1} value={presetId()} onChange={(e) => pickPreset(e.currentTarget.value)}>
              <option value="">{t('providers.choosePreset')}</option>
              <For each={presets()}>{(p) => <option value={p.id}>{p.name}{p.configured ? ' ✓' : ''}</option>}</For>
            </select>
          </div>
          <Show when={preset()}>
            {(p) => (
              <p class="muted small">
                <span class="mono">{p().baseUrl}</span> · {p().type} · {tn('providers.modelsCount', p().models.length)}
                {p().env.length ? ` · env: ${p().env.join(', ')}` : ''}
                <Show when={p().docs}> · <a href={p().docs} target="_blank" rel="noopener noreferrer">{t('providers.docs')}</a></Show>
              </p>
            )}
          </Show>
        </Show>
        <div class="form">
          <Field label={t('common.name')} hint={nameProblem() ?? undefined}>
            <input name="name" data-testid="provider-name" required value={name()} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <Show when={mode() === 'custom'}>
            <Field label={t('providers.type')}>
              <select name="type" value={type()} onChange={(e) => setType(e.currentTarget.value)}>
                <For each={types()}>{(x) => <option value={x}>{x}</option>}</For>
              </select>
            </Field>
            <Field label={t('providers.baseUrl')} wide hint={needsUrl() ? undefined : t('providers.baseUrlOptional')}>
              <input name="baseUrl" data-testid="provider-base-url" type="url" placeholder="https://api.example.com/v1" required={needsUrl()}
                value={baseUrl()} onInput={(e) => setBaseUrl(e.currentTarget.value)} />
            </Field>
          </Show>
          <Field label={t('providers.apiKey')} hint={t('providers.apiKeyHint')}>
            <input name="apiKey" data-testid="provider-api-key" type="password" autocomplete="off" value={apiKey()} onInput={(e) => setApiKey(e.currentTarget.value)} />
          </Field>
          <Field label={t('providers.keyEnv')} hint={t('providers.keyEnvHint')}>
            <input name="keyEnv" placeholder="MY_PROVIDER_KEY" value={keyEnv()} onInput={(e) => setKeyEnv(e.currentTarget.value)} />
          </Field>
          <Field label={t('providers.models')} wide hint={t('providers.modelsHint')}>
            <input name="models" data-testid="provider-models" placeholder="model-a, model-b" value={models()} onInput={(e) => setModels(e.currentTarget.value)} />
          </Field>
          <label class="check wide">
            <input type="checkbox" data-testid="provider-private" checked={privateNet()} onChange={(e) => setPrivateNet(e.currentTarget.checked)} />
            {t('providers.allowPrivate')}
          </label>
        </div>
        <ErrorBox error={error()} />
        <div class="row end">
          <button type="button" onClick={props.onClose}>{t('common.cancel')}</button>
          <button type="submit" class="primary" data-testid="provider-submit" disabled={!ready() || busy()}>{t('providers.addSubmit')}</button>
        </div>
      </form>
    </Modal>
  );
}
