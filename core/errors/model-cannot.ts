import type { GatewayError } from './gateway-error.ts';

/**
 * How providers word "this model cannot take what the request uses" (images, tools, thinking,
 * audio, a parameter other models take): Ollama ("… does not support tools", "… does not support
 * thinking"), OpenAI ("Invalid content type. image_url is only supported by certain models.",
 * "Unsupported parameter: 'reasoning_effort' is not supported with this model."), DeepSeek
 * ("unknown variant `image_url`, expected `text`"; its Anthropic endpoint "unknown variant `image`,
 * expected one of `text`, `tool_use`, `tool_result`, `thinking`"), vLLM ("At most 0 image(s) may be provided",
 * "… is not a multimodal model"), llama.cpp and LM Studio ("image input is not supported",
 * "Model does not support images"), OpenRouter ("No endpoints found that support tool use"), and
 * more tools than the model takes (OpenAI "Invalid 'tools': array too long", Moonshot "a max of
 * 128 tools can be supported": Claude Code with a few MCP servers sends more), and tool schemas a
 * local server cannot compile into its sampling grammar (llama.cpp "failed to parse grammar").
 */
const CANNOT = new RegExp([
  'does(?: not|n\'t) support (?:tools?|tool (?:use|calling)|function calling|thinking|reasoning|images?|image input|vision|audio|pdfs?|documents?|files?)',
  '(?:tools?|tool use|function calling|images?|image input|vision|audio|thinking|reasoning)(?: input)? (?:is|are) not supported',
  'image_url is only supported by certain models',
  'unknown variant `(?:image|image_url|input_audio|file|document)`',
  // An Anthropic-format endpoint without PDFs (Moonshot: "messages.8.content.4: Input tag 'document'
  // found using 'type' does not match any of the expected tags: 'image', …").
  'input tag \'(?:document|image)\' found using \'type\'',
  'not a multimodal model',
  'at most 0 (?:image|audio|video)',
  'no endpoints found that support',
  'is not supported (?:with|by|for) this model',
  '\'tools\': array too long', 'a max(?:imum)? of \\d+ tools',
  // Tools a local server cannot compile into its sampling grammar (llama.cpp, LM Studio 0.4.20
  // with Claude Code's tool schemas): "Failed to initialize samplers: failed to parse grammar".
  'failed to parse grammar',
  // The target's model is unknown there (a typo, a model retired): DeepSeek "Model Not Exist",
  // Mistral "Invalid model: …", OpenRouter "… is not a valid model ID", SiliconFlow "Model does
  // not exist", Moonshot "Not found the model …", Together "Unable to access model …".
  'model(?: `[^`]*`| "[^"]*"| \\S+)? (?:does not|doesn\'t) exist', 'model not exists?', 'is not a valid model', 'invalid model',
  'unknown model', 'model not found', 'not found the model', 'unable to access model',
  // The target's plan does not serve the model: the Codex backend "The 'gpt-5.1-codex' model is
  // not supported when using Codex with a ChatGPT account." (a plan's models change, and retired
  // slugs stay in Codex configs), Copilot "The requested model is not supported."
  'model is not supported',
  // More bytes than the target takes (Gemini: "Request payload size exceeds the limit: 20971520 bytes").
  'payload size exceeds the limit',
].join('|'), 'i');

/**
 * True when an upstream refused the request because that model cannot take something it uses,
 * or is not a model it serves: a 400, 404 or 422 worded so (`CANNOT`), or with the code
 * `model_not_found` (OpenAI) or `model_not_supported` (Copilot); or a 413, a request larger than it takes. Another target of a combo (a
 * model with vision, with tools, one that exists, one that takes larger requests) may take it,
 * so it falls back, while other client errors do not; it is never retried on the same target.
 */
export function isUnsupportedByModel(err: GatewayError): boolean {
  const up = err.upstream;
  // A body bigger than the target takes (Anthropic's 32 MB "request_too_large", a vendor's proxy
  // limit: an agent's replayed screenshots grow past them): another target may take it.
  if (up?.status === 413) return true;
  if (!up || (up.status !== 400 && up.status !== 404 && up.status !== 422)) return false;
  return up.code === 'model_not_found' || up.code === 'model_not_supported' || CANNOT.test(up.message ?? err.message);
}
