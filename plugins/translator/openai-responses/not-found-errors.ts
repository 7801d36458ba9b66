import { GatewayError } from '../../../core/errors/gateway-error.ts';

/**
 * The 404s of the stored-response and conversation routes, in OpenAI's wording. An id is echoed
 * only when it is safe to (`shownId`): it comes from the client's URL or body.
 */

/** `'id' ` for an id that is safe to echo (word characters and `-`, at most 128), else nothing. */
export function shownId(id: unknown): string {
  return typeof id === 'string' && /^[\w-]{1,128}$/.test(id) ? `'${id}' ` : '';
}

/** No response `id` for this key; `storeOff` says why (stored responses are turned off). */
export function responseNotFound(id: string, storeOff = false): GatewayError {
  const why = storeOff ? ': stored responses are turned off in this gateway (openai-responses store: false)' : '';
  return new GatewayError('GW_NOT_FOUND', `Response ${shownId(id)}not found${why}.`, { status: 404, param: 'response_id' });
}

export function conversationNotFound(id: string): GatewayError {
  return new GatewayError('GW_NOT_FOUND', `Conversation with id ${shownId(id)}not found.`, { status: 404, param: 'conversation' });
}

/** No item `id`; `param` names where the id came from (`item_id` of the URL, `input` for a reference). */
export function itemNotFound(id: unknown, param: 'item_id' | 'input'): GatewayError {
  return new GatewayError('GW_NOT_FOUND', `Item with id ${shownId(id)}not found.`, { status: 404, param });
}
