/**
 * The `openai` adapter's wire quirks for Vertex AI's partner models, by model glob (the model ids
 * the adapter sees are publisher-qualified: `mistralai/mistral-medium-3`). Quirk vocabulary as in
 * config/presets/providers.yaml.
 *
 * - Mistral AI, as the `mistral` preset: usage comes in the last stream chunk without asking
 *   (`stream_options` is refused); a field Mistral's API does not define is a 422
 *   (`extra_forbidden`): `user`, `max_completion_tokens`, `seed` (Mistral's is `random_seed`),
 *   `top_k`, logprobs, `reasoning_effort`; tool call ids must be 9 letters or digits; a user turn
 *   may not follow tool results.
 * - AI21 Labs: usage comes in the last stream chunk without asking (`stream_options` is not one
 *   of its fields); its output limit is `max_tokens`; fields its chat request does not define
 *   (`user`, `seed`, `top_k`, logprobs, `reasoning_effort`) are left out.
 *
 * @see https://docs.mistral.ai/api/
 * @see https://docs.ai21.com/reference/jamba-1-6-api-ref
 */
const PARTNER_QUIRKS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'mistralai/*': {
    no_stream_usage: true,
    max_tokens_field: 'max_tokens',
    drop_params: ['user', 'seed', 'top_k', 'logprobs', 'top_logprobs', 'logit_bias', 'reasoning_effort'],
    tool_call_ids: 'alnum9',
    assistant_after_tool: true,
  },
  'ai21/*': {
    no_stream_usage: true,
    max_tokens_field: 'max_tokens',
    drop_params: ['user', 'seed', 'top_k', 'logprobs', 'top_logprobs', 'logit_bias', 'reasoning_effort'],
  },
};

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * A provider's quirk record with the partner quirks added as model globs, before the entry's
 * own: the entry's `quirks: { models: { "mistralai/*": {…} } }` is merged over the partner's
 * record for that glob, and its other globs and exact ids still win (they come later).
 * Provider-wide quirks of the entry apply to partner models only where the glob sets nothing.
 */
export function withPartnerQuirks(quirks: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const own = isRecord(quirks.models) ? quirks.models : {};
  const models: Record<string, unknown> = {};
  for (const [glob, q] of Object.entries(PARTNER_QUIRKS)) models[glob] = { ...q, ...(isRecord(own[glob]) ? own[glob] : {}) };
  for (const [key, q] of Object.entries(own)) if (!(key in PARTNER_QUIRKS)) models[key] = q;
  return { ...quirks, models };
}
