/** What a context-overflow error says about sizes, in tokens (each undefined when not said). */
export interface OverflowSize {
  /** The model's context window. */
  limit?: number;
  /** What the prompt came to. */
  prompt?: number;
  /** Tokens the request reserved for the reply, when the error counts them in. */
  completion?: number;
}

const LIMIT = [
  /maximum context length is (\d[\d,]*)/i, // OpenAI, vLLM, most OpenAI-compatible servers
  /(\d[\d,]*) tokens? > (\d[\d,]*) maximum/i, // Anthropic: "prompt is too long: 210000 tokens > 200000 maximum" (limit is group 2)
  /maximum number of tokens allowed \((\d[\d,]*)\)/i, // Gemini
  /with (\d[\d,]*) maximum context length/i, // Mistral
  /context (?:size|window|length)[^\d]{0,40}?(\d[\d,]*)/i, // llama.cpp (n_ctx), generic
];

const PROMPT = [
  /resulted in (\d[\d,]*) tokens/i,
  /\((\d[\d,]*) in the messages/i,
  /prompt is too long: (\d[\d,]*) tokens/i,
  /input token count \((\d[\d,]*)\)/i,
  /prompt contains (\d[\d,]*) tokens/i,
  /requested (\d[\d,]*) tokens/i,
];

/** Reads the sizes out of an upstream's context-overflow message (OpenAI, Anthropic, Gemini, Mistral, llama.cpp wordings). */
export function overflowSize(message: string): OverflowSize {
  const out: OverflowSize = {};
  for (const re of LIMIT) {
    const m = re.exec(message);
    if (!m) continue;
    out.limit = num(m[2] ?? m[1]!);
    break;
  }
  for (const re of PROMPT) {
    const m = re.exec(message);
    if (m) {
      out.prompt = num(m[1]!);
      break;
    }
  }
  const completion = /(\d[\d,]*) in the completion/i.exec(message);
  if (completion) out.completion = num(completion[1]!);
  return out;
}

function num(text: string): number {
  return Number(text.replaceAll(',', ''));
}
