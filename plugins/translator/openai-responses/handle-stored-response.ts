import { GatewayError, toGatewayError } from '../../../core/errors/gateway-error.ts';
import type { HttpInput, RouteHost } from '../../../core/plugin/types.ts';
import { encodeResponsesError } from './encode-responses-error.ts';

/**
 * `GET` / `DELETE /v1/responses/{id}` and the other stored-response routes. The gateway keeps no
 * responses, so after the usual client-key check it answers 404 in the OpenAI envelope with a
 * message that says what to do instead.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/get
 */
export async function handleStoredResponse(input: HttpInput, host: RouteHost): Promise<Response> {
  try {
    await host.authenticate(input);
    const id = input.params.id ?? '';
    const shown = /^[\w-]{1,128}$/.test(id) ? `'${id}' ` : '';
    throw new GatewayError(
      'GW_NOT_FOUND',
      `Response ${shown}not found: stored responses are not kept by this gateway; send the full input with store:false.`,
      { status: 404, param: 'response_id' },
    );
  } catch (e) {
    return encodeResponsesError(toGatewayError(e));
  }
}
