import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { formatValidationError } from './format-validation-error.ts';
import { mapOpenAIChatRequest } from './map-openai-chat-request.ts';
import { isPlainChatBody } from './is-plain-chat-body.ts';
import { plainOrParsed } from '../../../core/util/plain-fields.ts';
import { OpenAIChatRequestSchema, type OpenAIChatRequestBody } from './openai-chat-request-schema.ts';
import { chatBodyFromResponses, isResponsesShaped } from './responses-shaped-body.ts';
import { chatBodyFromAnthropicShapes, hasAnthropicShapes } from './anthropic-shaped-parts.ts';

/**
 * Validates an OpenAI Chat Completions body and decodes it into a gateway request. The parsed
 * body is kept unchanged as `raw` for the passthrough lane, with three repairs for clients that
 * send other shapes to this endpoint (Cursor): a Responses-shaped body (`input`, no `messages`)
 * is rewritten as the Chat body it means, Anthropic-shaped tools, tool calls and results
 * (`chatBodyFromAnthropicShapes`) and an Anthropic-shaped `tool_choice` take the OpenAI form.
 *
 * Errors: throws GatewayError 400 (`GW_BAD_REQUEST`, with `param` naming the offending field,
 * or `GW_UNSUPPORTED` for input the hub cannot carry such as audio input).
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function decodeOpenAIChatRequest(input: unknown): GatewayRequest<'chat'> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new GatewayError('GW_BAD_REQUEST', 'Invalid request body: expected a JSON object.', { status: 400 });
  }
  let body = input as Record<string, unknown>;
  if (isResponsesShaped(body)) body = chatBodyFromResponses(body);
  const choice = openAIToolChoice(body.tool_choice);
  if (choice !== body.tool_choice) body = { ...body, tool_choice: choice };
  // A plain text body is checked by hand (the schema would accept it unchanged); anything
  // else goes through the schema, which also words the errors, once Anthropic's shapes in it
  // (Cursor's agent mode with a Claude model) take the Chat ones.
  const plain = isPlainChatBody(body);
  if (!plain && hasAnthropicShapes(body)) body = chatBodyFromAnthropicShapes(body);
  const output: OpenAIChatRequestBody = plain ? body as OpenAIChatRequestBody
    : plainOrParsed(body, isPlainChatBody, OpenAIChatRequestSchema, formatValidationError, { abortEarly: true });
  // The hub form is built on first use: the passthrough lane never needs it.
  let chat: ChatRequest | undefined;
  return {
    operation: 'chat',
    model: output.model,
    stream: output.stream === true,
    get body() {
      return (chat ??= mapOpenAIChatRequest(output));
    },
    raw: body,
  };
}

/** An Anthropic-shaped choice (`{type: auto | any | none | required}`, `{type: tool, name}`) in the OpenAI form; anything else as it is. */
function openAIToolChoice(choice: unknown): unknown {
  if (typeof choice !== 'object' || choice === null) return choice;
  const { type, name } = choice as { type?: unknown; name?: unknown };
  if (type === 'tool' && typeof name === 'string') return { type: 'function', function: { name } };
  if (type === 'any') return 'required';
  if (type === 'auto' || type === 'none' || type === 'required') return type;
  return choice;
}
