import * as v from 'valibot';
import { servableName } from '../config/config-names.ts';

/** Provider names prefix model names, so they stay URL- and log-safe. */
export const ProviderName = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'), v.maxLength(64), servableName);
const EnvName = v.pipe(v.string(), v.regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name (UPPER_SNAKE)'));
const Url = v.pipe(v.string(), v.url(), v.regex(/^https?:\/\//, 'http(s) only'));
const Models = v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(200)));
const Headers = v.record(v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]+$/, 'a header name')), v.string());
/** A provider key as typed in the dashboard (one token, no spaces). */
export const ApiKey = v.pipe(v.string(), v.regex(/^\S+$/, 'a key without spaces'), v.maxLength(4096));
/** The id a dashboard key gets among the provider's accounts. */
export const AccountLabel = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'letters, digits, ".", "_", "@" and "-" only'), v.maxLength(64));

/** `POST /api/providers`. */
export const AddProviderBody = v.object({
  name: ProviderName,
  preset: v.optional(v.string()),
  type: v.optional(v.string()),
  baseUrl: v.optional(Url),
  models: v.optional(Models),
  apiKey: v.optional(ApiKey),
  label: v.optional(AccountLabel),
  keyEnv: v.optional(EnvName),
  accountStrategy: v.optional(v.string()),
  allowPrivateNetwork: v.optional(v.boolean()),
  headers: v.optional(Headers),
  enabled: v.optional(v.boolean()),
});

/** `PATCH /api/providers/:name` — `null` removes the key from the YAML entry. */
export const PatchProviderBody = v.object({
  preset: v.optional(v.nullable(v.string())),
  type: v.optional(v.nullable(v.string())),
  baseUrl: v.optional(v.nullable(Url)),
  models: v.optional(v.nullable(Models)),
  keyEnv: v.optional(v.nullable(EnvName)),
  accountStrategy: v.optional(v.nullable(v.string())),
  allowPrivateNetwork: v.optional(v.nullable(v.boolean())),
  headers: v.optional(v.nullable(Headers)),
  enabled: v.optional(v.nullable(v.boolean())),
});

/** `POST /api/providers/:name/keys`. */
export const AddKeyBody = v.object({ apiKey: ApiKey, label: v.optional(AccountLabel) });
/** `POST /api/providers/:name/test` (every field optional). */
export const TestBody = v.optional(v.object({ model: v.optional(v.string()), mode: v.optional(v.picklist(['chat', 'models'])) }), {});

/** Dashboard field → YAML key of a provider entry. */
export const YAML_KEYS = {
  preset: 'preset', type: 'type', baseUrl: 'base_url', models: 'models', accountStrategy: 'account_strategy',
  allowPrivateNetwork: 'allow_private_network', headers: 'headers', enabled: 'enabled',
} as const;

/** The YAML value of `keyEnv`: a one-key list with the reference. */
export function keysFromEnv(name: string): string[] {
  return [`\${${name}}`];
}
