import { toGatewayError } from '../../../core/errors/gateway-error.ts';
import type { HttpInput, RouteHost, RouteSpec } from '../../../core/plugin/types.ts';
import { badRequest } from './check-schema.ts';
import { encodeResponsesError } from './encode-responses-error.ts';
import { listPage } from './list-page.ts';
import { listedItem } from './conversation-items.ts';
import { responseNotFound } from './not-found-errors.ts';
import type { StoredResponses } from './stored-responses.ts';

type Handler = (input: HttpInput, host: RouteHost) => Promise<Response>;

/**
 * The handler of one stored-response route (`GET`/`DELETE /v1/responses/{id}`, `…/input_items`,
 * `…/cancel`), after the usual client-key check. A response is visible only to the client key
 * that created it; any other id is a 404 in the OpenAI envelope. Without `stored` every id is
 * unknown.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/get
 */
export function storedResponseHandler(spec: Pick<RouteSpec, 'method' | 'path'>, stored: StoredResponses | undefined): Handler {
  const answer = pick(spec);
  return async (input, host) => {
    try {
      const key = await host.authenticate(input);
      const id = input.params.id ?? '';
      if (!stored) throw responseNotFound(id);
      return answer(stored, id, key?.id ?? '', input);
    } catch (e) {
      return encodeResponsesError(toGatewayError(e));
    }
  };
}

type Answer = (stored: StoredResponses, id: string, keyId: string, input: HttpInput) => Response;

function pick(spec: Pick<RouteSpec, 'method' | 'path'>): Answer {
  if (spec.path.endsWith('/input_items')) return inputItems;
  if (spec.path.endsWith('/cancel')) return cancel;
  if (spec.method === 'DELETE') return remove;
  return retrieve;
}

const retrieve: Answer = (stored, id, keyId) => Response.json(stored.get(id, keyId).response);

const remove: Answer = (stored, id, keyId) => {
  stored.delete(id, keyId);
  return Response.json({ id, object: 'response', deleted: true });
};

const cancel: Answer = (stored, id, keyId) => {
  stored.get(id, keyId);
  throw badRequest('Only background responses can be cancelled, and this gateway runs none in the background.', 'response_id');
};

/**
 * `GET /v1/responses/{id}/input_items`: the input items of that request (not of the responses
 * it continued), in OpenAI's list shape, with `order` (desc by default), `after` and `limit`
 * (1–100, default 20). An item the client sent without an id is listed as `<response id>_in_<n>`.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/input-items
 */
const inputItems: Answer = (stored, id, keyId, input) => {
  const r = stored.get(id, keyId);
  return Response.json(listPage(r.input.map((item, n) => listedItem(item, `${r.id}_in_${n}`)), input.url.searchParams, 'desc'));
};
