import { GatewayError, toGatewayError } from '../../../core/errors/gateway-error.ts';
import type { HttpInput, RouteHost } from '../../../core/plugin/types.ts';
import { encodeAnthropicError } from './encode-anthropic-error.ts';

/** One entry of the Anthropic Models API. */
export interface AnthropicModel {
  type: 'model';
  id: string;
  display_name: string;
  created_at: string;
  lifecycle: 'active';
  capabilities: null;
  deprecated_at: null;
  retires_at: null;
  line: null;
  max_input_tokens: null;
  max_tokens: null;
}

/**
 * Host models → the Models API object. The gateway knows what a client may route to, not each
 * upstream model's facts: `created_at` is one fixed time (the plugin's start) for every entry,
 * the display name is the id a client sends, every model is `active`, and the fields the API
 * allows to be null (capabilities, limits, line, dates) are null.
 *
 * @see https://docs.anthropic.com/en/api/models
 */
export function encodeAnthropicModel(m: { id: string }, createdAt: string): AnthropicModel {
  return {
    type: 'model', id: m.id, display_name: m.id, created_at: createdAt, lifecycle: 'active',
    capabilities: null, deprecated_at: null, retires_at: null, line: null, max_input_tokens: null, max_tokens: null,
  };
}

/**
 * `GET /v1/models` for Anthropic clients (requests with `anthropic-version`): every routable
 * model the key's scopes allow (`provider/model`, aliases, combos), paged like the Models API: `limit` (1–1000, default
 * 20) and the `after_id` / `before_id` cursors (`has_more` says whether there is a page further
 * in that direction); `{data, has_more, first_id, last_id}`.
 * Authenticates like `/v1/messages`; errors in the Anthropic envelope.
 *
 * @see https://docs.anthropic.com/en/api/models-list
 */
export async function handleListAnthropicModels(input: HttpInput, host: RouteHost, createdAt: string): Promise<Response> {
  try {
    const ids = (await host.listModels(await host.authenticate(input))).map((m) => m.id);
    const q = input.url.searchParams;
    const limit = pageLimit(q.get('limit'));
    const after = cursor(ids, q.get('after_id'), 'after_id');
    const before = cursor(ids, q.get('before_id'), 'before_id');
    // The page just before `before_id` (it wins when both are given), else the one after `after_id`.
    const from = before !== undefined ? Math.max(0, before - limit) : after === undefined ? 0 : after + 1;
    const to = before !== undefined ? before : Math.min(ids.length, from + limit);
    const page = ids.slice(from, to);
    const hasMore = before !== undefined ? from > 0 : to < ids.length;
    return Response.json({
      data: page.map((id) => encodeAnthropicModel({ id }, createdAt)),
      has_more: hasMore,
      first_id: page[0] ?? null,
      last_id: page.at(-1) ?? null,
    });
  } catch (e) {
    return encodeAnthropicError(toGatewayError(e));
  }
}

/**
 * `GET /v1/models/{model_id}` for Anthropic clients: one model, or 404 `not_found_error`. Ids
 * with a slash (`openai/gpt-4o`) work: the route's last segment takes the rest of the path.
 *
 * @see https://docs.anthropic.com/en/api/models
 */
export async function handleRetrieveAnthropicModel(input: HttpInput, host: RouteHost, createdAt: string): Promise<Response> {
  try {
    const key = await host.authenticate(input);
    const id = input.params.model ?? '';
    if (!(await host.listModels(key)).some((m) => m.id === id)) {
      throw new GatewayError('GW_MODEL_NOT_FOUND', `model: ${id.slice(0, 200)}`, { param: 'model' });
    }
    return Response.json(encodeAnthropicModel({ id }, createdAt));
  } catch (e) {
    return encodeAnthropicError(toGatewayError(e));
  }
}

function pageLimit(raw: string | null): number {
  if (raw === null) return 20;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new GatewayError('GW_BAD_REQUEST', 'limit: must be an integer from 1 to 1000', { param: 'limit' });
  }
  return n;
}

/** The index of a cursor id, undefined without one; an unknown id is a 400 naming the parameter. */
function cursor(ids: string[], id: string | null, param: string): number | undefined {
  if (id === null) return undefined;
  const i = ids.indexOf(id);
  if (i < 0) throw new GatewayError('GW_BAD_REQUEST', `${param}: no model has the id ${JSON.stringify(id.slice(0, 200))}`, { param });
  return i;
}
