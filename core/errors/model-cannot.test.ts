import { expect, test } from 'bun:test';
import { GatewayError } from './gateway-error.ts';
import { isUnsupportedByModel } from './model-cannot.ts';

const refusal = (status: number, message: string) => new GatewayError('GW_UPSTREAM_ERROR', message, { status, upstream: { status, message } });

test('what providers say when a model cannot take what the request uses', () => {
  for (const [status, message] of [
    [400, 'registry.ollama.ai/library/gemma3:4b does not support tools'],
    [400, '"qwen2.5:7b" does not support thinking'],
    [400, 'Invalid content type. image_url is only supported by certain models.'],
    [400, "Unsupported parameter: 'reasoning_effort' is not supported with this model."],
    [422, 'Failed to deserialize the JSON body into the target type: messages[0]: unknown variant `image_url`, expected `text` at line 1 column 120'],
    [400, 'Failed to deserialize the JSON body into the target type: messages[66].content: unknown variant `image`, expected one of `text`, `tool_use`, `tool_result`, `thinking` at line 1 column 971539'],
    [400, "messages.8.content.4: Input tag 'document' found using 'type' does not match any of the expected tags: 'image', 'server_tool_use', 'text', 'thinking', 'tool_result', 'tool_use', 'web_search_tool_result'"],
    [400, 'At most 0 image(s) may be provided in one request.'],
    [400, 'Qwen/Qwen2.5-7B-Instruct is not a multimodal model'],
    [400, 'image input is not supported - hint: if this is unexpected, you may need to provide the mmproj'],
    [400, 'Model does not support images. Please use a model that does.'],
    [404, 'No endpoints found that support tool use. To learn more about provider routing, visit: https://openrouter.ai/docs/provider-routing'],
    [400, 'Model Not Exist'],
    [400, 'Invalid model: mistral-larg-latest'],
    [400, 'anthropic/claude-sonet-4.5 is not a valid model ID'],
    [400, 'Model does not exist. Please check it carefully.'],
    [400, 'The model `gpt-4o-mni` does not exist or you do not have access to it.'],
    [400, "Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length 150 instead."],
    [400, 'a max of 128 tools can be supported'],
    [400, 'Failed to initialize samplers: failed to parse grammar'],
    [400, 'Request payload size exceeds the limit: 20971520 bytes.'],
    [400, "The 'gpt-5.1-codex' model is not supported when using Codex with a ChatGPT account."],
    [400, 'The requested model is not supported.'],
    [413, 'Request exceeds the maximum size'],
    [413, '<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>openresty</center></body></html>'],
  ] as const) expect([message, isUnsupportedByModel(refusal(status, message))]).toEqual([message, true]);
});

test('other client errors, and the same words in other statuses, are not', () => {
  for (const [status, message] of [
    [400, "Invalid 'messages[1].content': string too long."],
    [400, 'An assistant message with tool_calls must be followed by tool messages responding to each tool_call_id.'],
    [401, 'registry.ollama.ai/library/gemma3:4b does not support tools'],
    [500, 'image input is not supported'],
  ] as const) expect([message, isUnsupportedByModel(refusal(status, message))]).toEqual([message, false]);
  expect(isUnsupportedByModel(new GatewayError('GW_BAD_REQUEST', 'does not support tools'))).toBe(false);
});

test('Copilot\'s code model_not_supported, whatever the words', () => {
  const err = new GatewayError('GW_UPSTREAM_ERROR', 'Not available.', { status: 400, upstream: { status: 400, message: 'Not available.', code: 'model_not_supported' } });
  expect(isUnsupportedByModel(err)).toBe(true);
});
