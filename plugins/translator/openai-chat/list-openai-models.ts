import { GatewayError, toGatewayError } from '../../../core/errors/gateway-error.ts';
import type { HttpInput, RouteHost } from '../../../core/plugin/types.ts';
import { encodeOpenAIError } from './encode-openai-error.ts';

/** One entry of `GET /v1/models`. */
export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/**
 * Host models → the OpenAI model object. The gateway has no creation dates, so `created` is
 * one fixed timestamp (the plugin's start) for every entry.
 *
 * @see https://platform.openai.com/docs/api-reference/models/object
 */
export function encodeOpenAIModel(m: { id: string; ownedBy: string }, created: number): OpenAIModel {
  return { id: m.id, object: 'model', created, owned_by: m.ownedBy };
}

/**
 * `GET /v1/models`: authenticates like `/v1/chat/completions`, then lists every routable model
 * the key's scopes allow (`provider/model`, aliases, combos) as `{object:"list", data:[…]}`. Errors (401 …) are
 * answered in the OpenAI error envelope.
 *
 * @see https://platform.openai.com/docs/api-reference/models/list
 */
export async function handleListModels(input: HttpInput, host: RouteHost, created: number): Promise<Response> {
  try {
    const models = await host.listModels(await host.authenticate(input));
    return Response.json({ object: 'list', data: models.map((m) => encodeOpenAIModel(m, created)) });
  } catch (e) {
    return encodeOpenAIError(toGatewayError(e));
  }
}

/**
 * `GET /v1/models/{model}`: one model, or 404 `model_not_found` (also outside the key's scopes). The route's last `:model`
 * segment takes the rest of the path, so ids with a slash (`openai/gpt-4o`) work.
 *
 * @see https://platform.openai.com/docs/api-reference/models/retrieve
 */
export async function handleRetrieveModel(input: HttpInput, host: RouteHost, created: number): Promise<Response> {
  try {
    const key = await host.authenticate(input);
    const id = input.params.model ?? '';
    const found = (await host.listModels(key)).find((m) => m.id === id);
    if (!found) {
      throw new GatewayError('GW_MODEL_NOT_FOUND', `The model '${id.slice(0, 200)}' does not exist.`, { param: 'model' });
    }
    return Response.json(encodeOpenAIModel(found, created));
  } catch (e) {
    return encodeOpenAIError(toGatewayError(e));
  }
}
