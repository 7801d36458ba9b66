import type { GatewayError } from './gateway-error.ts';

/**
 * How providers word "this model cannot take what the request uses" (images, tools, thinking,
 * audio, a parameter other models take): Ollama ("… does not support tools", "… does not support
 * thinking"), OpenAI ("Invalid content type. image_url is only supported by certain models.",
 * "Unsupported parameter: 'reasoning_effort' is not supported with this model."), DeepSeek
 * ("unknown variant `image_url`, expected `text`"), vLLM ("At most 0 image(s) may be provided",
 * "… is not a multimodal model"), llama.cpp and LM Studio ("image input is not supported",
 * "Model does not support images"), OpenRouter ("No endpoints found that support tool use").
 */
const CANNOT = new RegExp([
  'does(?: not|n\'t) support (?:tools?|tool (?:use|calling)|function calling|thinking|reasoning|images?|image input|vision|audio|pdfs?|documents?|files?)',
  '(?:tools?|tool use|function calling|images?|image input|vision|audio|thinking|reasoning)(?: input)? (?:is|are) not supported',
  'image_url is only supported by certain models',
  'unknown variant `(?:image_url|input_audio|file)`',
  'not a multimodal model',
  'at most 0 (?:image|audio|video)',
  'no endpoints found that support',
  'is not supported (?:with|by|for) this model',
].join('|'), 'i');

/**
 * True when an upstream refused the request because that model cannot take something it uses:
 * a 400, 404 or 422 worded so (`CANNOT`). Another target of a combo (a model with vision, with
 * tools) may take it, so it falls back, while other client errors do not; it is never retried
 * on the same target.
 */
export function isUnsupportedByModel(err: GatewayError): boolean {
  const up = err.upstream;
  if (!up || (up.status !== 400 && up.status !== 404 && up.status !== 422)) return false;
  return CANNOT.test(up.message ?? err.message);
}
