import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { ChatRequest, Message, TextPart } from '../../../core/types/hub.ts';
import { convertGeminiContents } from './convert-gemini-contents.ts';
import { convertGeminiGenerationConfig } from './convert-gemini-generation-config.ts';
import { convertGeminiTools } from './convert-gemini-tools.ts';
import { formatGeminiValidationError } from './format-gemini-validation-error.ts';
import { GeminiRequestSchema, type GeminiRequestBody } from './gemini-request-schema.ts';
import { isWrappedSignature } from './gemini-signature.ts';
import { isPlainGeminiBody } from './is-plain-gemini-body.ts';
import { plainOrParsed } from '../../../core/util/plain-fields.ts';
import { normalizeGeminiKeys } from './normalize-gemini-keys.ts';

/**
 * Validates a generateContent body and decodes it into a gateway chat request for `model`
 * (taken from the URL by the caller). `stream` is true for `streamGenerateContent`. The body
 * is kept unchanged as `raw` for the passthrough lane (a Gemini upstream gets the client's
 * own bytes, snake_case and all), unless it replays a thought signature another provider made.
 *
 * Gemini-only settings travel in `providerOptions.gemini`: `safetySettings`, `cachedContent`,
 * `labels`, native `tools` (googleSearch…), the raw `toolConfig`, `thinkingLevel`, and
 * unmapped `generationConfig` keys (as `generationConfig`).
 *
 * Errors: throws GatewayError 400 GW_BAD_REQUEST with the field path in `param`.
 *
 * @see https://ai.google.dev/api/generate-content#method:-models.generatecontent
 */
export function decodeGeminiRequest(body: unknown, model: string, stream: boolean): GatewayRequest<'chat'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('GW_BAD_REQUEST', 'Invalid JSON payload received. Expected a GenerateContentRequest object.', { status: 400 });
  }
  // What Gemini CLI and the SDKs send is checked by hand (the schema would accept it unchanged);
  // anything else goes through the schema, which also words the errors.
  const normalized = normalizeGeminiKeys(body) as Record<string, unknown>;
  const output: GeminiRequestBody = plainOrParsed(normalized, isPlainGeminiBody, GeminiRequestSchema, formatGeminiValidationError, { abortEarly: true });
  // A signature another provider made must never reach a Gemini upstream: without `raw` the
  // request takes the converted lane, which sends each signature only to the provider that made it.
  const foreign = output.contents.some((c) => c.parts.some((p) => p.thoughtSignature !== undefined && isWrappedSignature(p.thoughtSignature)));
  // The hub form is built on first read: the passthrough lane (a Gemini upstream) never needs it.
  let chat: ChatRequest | undefined;
  return {
    operation: 'chat', model, stream, raw: foreign ? undefined : (body as Record<string, unknown>),
    get body() {
      return (chat ??= mapGeminiRequest(output, model, stream));
    },
  };
}

/** Validated Gemini body → ChatRequest. Pure. */
export function mapGeminiRequest(body: GeminiRequestBody, model: string, stream: boolean): ChatRequest {
  const messages: Message[] = [];
  const system = systemParts(body);
  if (system.length > 0) messages.push({ role: 'system', content: system });
  messages.push(...convertGeminiContents(body.contents));

  const chat: ChatRequest = { model, messages, stream };
  if (stream) chat.streamUsage = true;
  const gemini: Record<string, unknown> = {};

  const tools = convertGeminiTools(body.tools, body.toolConfig);
  if (tools.tools) chat.tools = tools.tools;
  if (tools.toolChoice) chat.toolChoice = tools.toolChoice;
  if (tools.nativeTools) gemini.tools = tools.nativeTools;
  if (tools.toolConfig) gemini.toolConfig = tools.toolConfig;

  const { settings, native } = convertGeminiGenerationConfig(body.generationConfig);
  Object.assign(chat, settings);
  const { thinkingLevel, ...generationConfig } = native;
  if (thinkingLevel !== undefined) gemini.thinkingLevel = thinkingLevel;
  if (Object.keys(generationConfig).length > 0) gemini.generationConfig = generationConfig;

  if (body.safetySettings) gemini.safetySettings = body.safetySettings;
  if (body.cachedContent !== undefined) gemini.cachedContent = body.cachedContent;
  if (body.labels) gemini.labels = body.labels;
  if (Object.keys(gemini).length > 0) chat.providerOptions = { gemini };
  return chat;
}

function systemParts(body: GeminiRequestBody): TextPart[] {
  const out: TextPart[] = [];
  for (const p of body.systemInstruction?.parts ?? []) {
    if (typeof p.text === 'string' && p.text !== '') out.push({ type: 'text', text: p.text });
  }
  return out;
}
