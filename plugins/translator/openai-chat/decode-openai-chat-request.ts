import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { formatValidationError } from './format-validation-error.ts';
import { mapOpenAIChatRequest } from './map-openai-chat-request.ts';
import { isPlainChatBody } from './is-plain-chat-body.ts';
import { OpenAIChatRequestSchema, type OpenAIChatRequestBody } from './openai-chat-request-schema.ts';

/**
 * Validates an OpenAI Chat Completions body and decodes it into a gateway request. The parsed
 * body is kept unchanged as `raw` for the passthrough lane.
 *
 * Errors: throws GatewayError 400 (`GW_BAD_REQUEST`, with `param` naming the offending field,
 * or `GW_UNSUPPORTED` for input the hub cannot carry such as audio input).
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function decodeOpenAIChatRequest(body: unknown): GatewayRequest<'chat'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('GW_BAD_REQUEST', 'Invalid request body: expected a JSON object.', { status: 400 });
  }
  // A plain text body is checked by hand (the schema would accept it unchanged); anything
  // else goes through the schema, which also words the errors.
  let output: OpenAIChatRequestBody;
  if (isPlainChatBody(body as Record<string, unknown>)) {
    output = body as OpenAIChatRequestBody;
  } else {
    const parsed = v.safeParse(OpenAIChatRequestSchema, body, { abortEarly: true });
    if (!parsed.success) throw formatValidationError(parsed.issues);
    output = parsed.output;
  }
  // The hub form is built on first use: the passthrough lane never needs it.
  let chat: ChatRequest | undefined;
  return {
    operation: 'chat',
    model: output.model,
    stream: output.stream === true,
    get body() {
      return (chat ??= mapOpenAIChatRequest(output));
    },
    raw: body as Record<string, unknown>,
  };
}
