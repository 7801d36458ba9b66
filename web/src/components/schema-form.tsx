import { createSignal, For, Match, Show, Switch } from 'solid-js';
import type { JsonSchema } from '../api/types.ts';
import { t } from '../i18n/i18n.ts';

type Obj = Record<string, unknown>;

/** The primary type of a schema node (`integer` counts as number; nullable unions are unwrapped). */
function kindOf(s: JsonSchema): 'string' | 'number' | 'boolean' | 'enum' | 'object' | 'list' | 'scalar' | 'json' {
  if (s.enum) return 'enum';
  const variants = s.anyOf ?? s.oneOf;
  if (variants) {
    const types = variants.map((v) => v.type);
    if (types.every((x) => x === 'number' || x === 'integer' || x === 'string')) return 'scalar';
    return 'json';
  }
  const type = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (type === 'string') return 'string';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'object' && s.properties && !s.additionalProperties) return 'object';
  if (type === 'array' && s.items && ['string', 'number', 'integer'].includes(String(s.items.type)) && !s.items.enum) return 'list';
  return 'json';
}

/**
 * Schemas that accept a key in both spellings (`windowMs` and `window_ms`) list both; the form
 * shows the YAML spelling (snake_case) only, unless the config already uses the other one.
 */
function visibleProperties(props: Record<string, JsonSchema>, value: Obj): Array<[string, JsonSchema]> {
  const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return Object.entries(props).filter(([k]) => {
    const twin = snake(k);
    return twin === k || !(twin in props) || k in value;
  });
}

const show = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const hint = (s: JsonSchema) => (s.default !== undefined ? `${t('schema.default')}: ${JSON.stringify(s.default)}` : '');

/** A JSON text area for shapes a plain input cannot hold (lists of objects, maps). */
function JsonField(props: { value: unknown; onChange: (v: unknown) => void; name: string }) {
  const [error, setError] = createSignal<string | null>(null);
  const text = () => (props.value === undefined ? '' : JSON.stringify(props.value, null, 2));
  const commit = (raw: string) => {
    if (!raw.trim()) { setError(null); return props.onChange(undefined); }
    try {
      props.onChange(JSON.parse(raw));
      setError(null);
    } catch {
      setError(t('schema.badJson'));
    }
  };
  return (
    <>
      <textarea name={props.name} rows={4} value={text()} onChange={(e) => commit(e.currentTarget.value)} />
      <Show when={error()}><small style={{ color: 'var(--err)' }}>{error()}</small></Show>
    </>
  );
}

/** One field for one schema node; `undefined` means "not set" (the plugin's default applies). */
function SchemaField(props: { name: string; schema: JsonSchema; value: unknown; onChange: (v: unknown) => void; path: string }) {
  const s = () => props.schema;
  const numberOf = (raw: string) => (raw.trim() === '' ? undefined : Number(raw));
  return (
    <Switch fallback={<JsonField name={props.path} value={props.value} onChange={props.onChange} />}>
      <Match when={kindOf(s()) === 'boolean'}>
        <select name={props.path} value={show(props.value)} onChange={(e) => props.onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value === 'true')}>
          <option value="">{t('schema.unset')}{s().default !== undefined ? ` (${String(s().default)})` : ''}</option>
          <option value="true">{t('common.yes')}</option>
          <option value="false">{t('common.no')}</option>
        </select>
      </Match>
      <Match when={kindOf(s()) === 'enum'}>
        <select name={props.path} value={show(props.value)} onChange={(e) => props.onChange(e.currentTarget.value || undefined)}>
          <option value="">{t('schema.unset')}{s().default !== undefined ? ` (${String(s().default)})` : ''}</option>
          <For each={s().enum ?? []}>{(o) => <option value={String(o)}>{String(o)}</option>}</For>
        </select>
      </Match>
      <Match when={kindOf(s()) === 'number'}>
        <input type="number" name={props.path} min={s().minimum} max={s().maximum} step={s().type === 'integer' ? 1 : 'any'}
          placeholder={show(s().default)} value={show(props.value)} onChange={(e) => props.onChange(numberOf(e.currentTarget.value))} />
      </Match>
      <Match when={kindOf(s()) === 'string'}>
        <input name={props.path} placeholder={show(s().default)} value={show(props.value)} onChange={(e) => props.onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value)} />
      </Match>
      <Match when={kindOf(s()) === 'scalar'}>
        <input name={props.path} placeholder={show(s().default)} value={show(props.value)} onChange={(e) => {
          const raw = e.currentTarget.value.trim();
          props.onChange(raw === '' ? undefined : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);
        }} />
      </Match>
      <Match when={kindOf(s()) === 'list'}>
        <textarea name={props.path} rows={3} placeholder={t('schema.onePerLine')} value={Array.isArray(props.value) ? props.value.join('\n') : ''}
          onChange={(e) => {
            const items = e.currentTarget.value.split('\n').map((x) => x.trim()).filter(Boolean);
            const numeric = s().items?.type !== 'string';
            props.onChange(items.length === 0 ? undefined : numeric ? items.map(Number) : items);
          }} />
      </Match>
      <Match when={kindOf(s()) === 'object'}>
        <SchemaForm schema={s()} value={(props.value as Obj | undefined) ?? {}} path={props.path}
          onChange={(v) => props.onChange(Object.keys(v).length === 0 ? undefined : v)} />
      </Match>
    </Switch>
  );
}

/**
 * A form generated from a plugin's JSON Schema (draft-07, as valibot's converter writes it):
 * inputs for strings, numbers, booleans, enums and lists of scalars, nested fieldsets for
 * objects, and a JSON box for anything else. Unset fields are left out of the value, so the
 * plugin's defaults keep applying.
 */
export function SchemaForm(props: { schema: JsonSchema; value: Obj; onChange: (v: Obj) => void; path?: string }) {
  const entries = () => visibleProperties(props.schema.properties ?? {}, props.value);
  const set = (key: string, v: unknown) => {
    const next = { ...props.value };
    if (v === undefined) delete next[key];
    else next[key] = v;
    props.onChange(next);
  };
  const required = (k: string) => props.schema.required?.includes(k);
  return (
    <div class="form" data-testid={props.path ? undefined : 'schema-form'}>
      <For each={entries()}>{([key, s]) => {
        const path = props.path ? `${props.path}.${key}` : key;
        const wide = () => ['object', 'json', 'list'].includes(kindOf(s));
        return (
          <Show when={kindOf(s) === 'object'} fallback={
            <label class={wide() ? 'field wide' : 'field'}>
              <span>{key}{required(key) ? ' *' : ''}</span>
              <SchemaField name={key} schema={s} value={props.value[key]} onChange={(v) => set(key, v)} path={path} />
              <Show when={s.description || hint(s)}><small class="muted">{s.description ?? hint(s)}</small></Show>
            </label>
          }>
            <fieldset class="wide">
              <legend>{key}</legend>
              <SchemaField name={key} schema={s} value={props.value[key]} onChange={(v) => set(key, v)} path={path} />
            </fieldset>
          </Show>
        );
      }}</For>
    </div>
  );
}
