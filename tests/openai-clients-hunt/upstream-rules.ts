/**
 * Request rules of the real upstream APIs that the mocks do not enforce themselves, checked on
 * every body the hunt's upstreams receive (on top of the mocks' own checks and the published
 * schemas):
 * - Anthropic: a base64 image must be what its `media_type` says ("…image.source.base64.data:
 *   Image does not match the provided media type image/png"), and that type one of the four
 *   the API reads;
 * - Gemini: an inline image's `mimeType` must be one Gemini reads ("Unsupported MIME type:
 *   image/jpg"), and each `functionResponse` must name a call of the model turn before it;
 * - Responses: every `function_call` needs its `function_call_output` later in the input ("No
 *   tool output found for function call …"), the mock checks only the other direction.
 */

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObj) : []);

const ANTHROPIC_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const GEMINI_IMAGES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif']);

/** The image type of base64 data by its first bytes, or undefined when it is none of the common four. */
export function imageTypeOf(base64: string): string | undefined {
  const head = Buffer.from(base64.slice(0, 24), 'base64');
  if (head[0] === 0x89 && head.toString('latin1', 1, 4) === 'PNG') return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.toString('latin1', 0, 4) === 'GIF8') return 'image/gif';
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/** Problems of an Anthropic Messages body the mock lets through. */
function anthropicProblems(body: Json): string[] {
  const out: string[] = [];
  const visit = (block: Json, at: string): void => {
    if (block.type === 'tool_result') arr(block.content).forEach((b, k) => visit(b, `${at}.content.${k}`));
    const source = isObj(block.source) ? block.source : undefined;
    if (block.type !== 'image' || source?.type !== 'base64') return;
    const declared = String(source.media_type);
    if (!ANTHROPIC_IMAGES.has(declared)) out.push(`${at}.source.media_type: unsupported ${declared}`);
    const actual = imageTypeOf(String(source.data));
    if (actual && actual !== declared) out.push(`${at}.source.base64.data: Image does not match the provided media type ${declared}`);
  };
  arr(body.messages).forEach((m, i) => arr(m.content).forEach((b, j) => visit(b, `messages.${i}.content.${j}`)));
  return out;
}

/** Problems of a Gemini generateContent body the mock lets through. */
function geminiProblems(body: Json): string[] {
  const out: string[] = [];
  const contents = arr(body.contents);
  contents.forEach((c, i) => {
    const parts = arr(c.parts);
    parts.forEach((p, j) => {
      const inline = isObj(p.inlineData) ? p.inlineData : undefined;
      const mime = String(inline?.mimeType ?? '');
      if (mime.startsWith('image/') && !GEMINI_IMAGES.has(mime)) out.push(`contents[${i}].parts[${j}]: Unsupported MIME type: ${mime}`);
    });
    const answered = parts.flatMap((p) => (isObj(p.functionResponse) ? [String(p.functionResponse.name)] : []));
    if (answered.length === 0) return;
    const called = arr(contents[i - 1]?.parts).flatMap((p) => (isObj(p.functionCall) ? [String(p.functionCall.name)] : []));
    if (answered.slice().sort().join() !== called.slice().sort().join()) {
      out.push(`contents[${i}]: function responses ${answered.join()} do not answer the calls ${called.join() || '(none)'}`);
    }
  });
  return out;
}

/** Problems of a Responses body the mock lets through. */
function responsesProblems(body: Json): string[] {
  const input = arr(body.input);
  return input.flatMap((item, i) => {
    if (item.type !== 'function_call') return [];
    const answered = input.slice(i + 1).some((o) => o.type === 'function_call_output' && o.call_id === item.call_id);
    return answered ? [] : [`input[${i}]: No tool output found for function call ${String(item.call_id)}.`];
  });
}

/** Rules of `format`'s API broken by `body` (empty when it would be accepted). */
export function upstreamProblems(format: 'anthropic' | 'gemini' | 'responses', body: unknown): string[] {
  if (!isObj(body)) return ['body is not a JSON object'];
  if (format === 'anthropic') return anthropicProblems(body);
  if (format === 'gemini') return geminiProblems(body);
  return responsesProblems(body);
}
