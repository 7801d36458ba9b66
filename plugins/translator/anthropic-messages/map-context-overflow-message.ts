import { isContextOverflow } from '../../../core/errors/context-overflow.ts';
import type { GatewayError } from '../../../core/errors/gateway-error.ts';

/** Anthropic's own wording, which Anthropic clients look for (Claude Code: "Prompt is too long", compaction). */
const ANTHROPIC_WORDING = /prompt is too long|exceed context limit/i;

const num = (s: string | undefined): number => Number((s ?? '').replace(/,/g, ''));

/** Sizes other upstreams state, as `[input, limit]` or (input and output asked for) `[input, output, limit]`. */
function sizesOf(message: string): [number, number] | [number, number, number] | undefined {
  // OpenAI and vLLM: "maximum context length is 128000 tokens. However, you requested 140000
  // tokens (120000 in the messages, 20000 in the completion)" or "…your messages resulted in N tokens".
  const limit = /maximum context length is ([\d,]+)/i.exec(message)?.[1];
  const split = /([\d,]+) in the messages, ([\d,]+) in the completion/i.exec(message);
  // Only when the input alone fits is it the output limit's fault.
  if (limit && split) return num(split[1]) < num(limit) ? [num(split[1]), num(split[2]), num(limit)] : [num(split[1]), num(limit)];
  const total = /(?:resulted in|requested) ([\d,]+) tokens/i.exec(message)?.[1];
  if (limit && total) return [num(total), num(limit)];
  // Gemini: "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."
  const gemini = /input token count \(?([\d,]+)\)? exceeds the maximum number of tokens allowed \(?([\d,]+)\)?/i.exec(message);
  if (gemini) return [num(gemini[1]), num(gemini[2])];
  // llama.cpp: "request (24071 tokens) exceeds the available context size (8192 tokens)"
  const llama = /\(([\d,]+) tokens\) exceeds the available context size \(([\d,]+) tokens\)/i.exec(message);
  if (llama) return [num(llama[1]), num(llama[2])];
  return undefined;
}

/**
 * The message an Anthropic client gets for an upstream error. A request too long for the model
 * (`isContextOverflow`) is worded as the Anthropic API words it, since Anthropic clients act on
 * that text: "prompt is too long: N tokens > M maximum", or, when the upstream counted the
 * output it was asked for, "input length and `max_tokens` exceed context limit: I + O > M, …"
 * (Claude Code then retries with a smaller `max_tokens`), the upstream's own text following in
 * parentheses; without sizes, "prompt is too long: " + the upstream's text. Any other error
 * keeps its message. Pure.
 *
 * @see https://docs.anthropic.com/en/api/errors
 */
export function mapContextOverflowMessage(err: GatewayError): string {
  if (!err.upstream || ANTHROPIC_WORDING.test(err.message) || !isContextOverflow(err)) return err.message;
  const sizes = sizesOf(err.message);
  if (!sizes) return `prompt is too long: ${err.message}`;
  const head = sizes.length === 3
    ? `input length and \`max_tokens\` exceed context limit: ${sizes[0]} + ${sizes[1]} > ${sizes[2]}, decrease input length or \`max_tokens\` and try again`
    : `prompt is too long: ${sizes[0]} tokens > ${sizes[1]} maximum`;
  return `${head} (${err.message})`;
}
