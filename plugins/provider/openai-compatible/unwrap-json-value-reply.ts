import type { ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { createJsonValueUnwrapper, unwrapJsonValue } from '../../../core/util/unwrap-json-value.ts';

/**
 * A result whose answer was asked for as `{value: X}` (see `wrapValueSchema`), with its text
 * replaced by X. Reasoning and tool calls stay as they are; the text parts are read as one.
 */
export function unwrapResultText(result: ChatResult): ChatResult {
  const text = result.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
  if (text === '') return result;
  const value = unwrapJsonValue(text);
  const first = result.content.findIndex((p) => p.type === 'text');
  const content: ChatResult['content'] = [];
  result.content.forEach((p, i) => {
    if (p.type !== 'text') content.push(p);
    else if (i === first && value !== '') content.push({ ...p, text: value });
  });
  return { ...result, content };
}

/**
 * The same for a stream: text deltas pass through the incremental unwrapper, anything it still
 * holds goes out before `finish` (or at the end), every other part is untouched.
 */
export function unwrapTextParts(parts: ReadableStream<StreamPart>): ReadableStream<StreamPart> {
  const u = createJsonValueUnwrapper();
  const flush = (ctl: TransformStreamDefaultController<StreamPart>) => {
    const rest = u.end();
    if (rest) ctl.enqueue({ type: 'text-delta', text: rest });
  };
  return parts.pipeThrough(new TransformStream<StreamPart, StreamPart>({
    transform(part, ctl) {
      if (part.type === 'text-delta') {
        const text = u.push(part.text);
        if (text) ctl.enqueue({ type: 'text-delta', text });
        return;
      }
      if (part.type === 'finish') flush(ctl);
      ctl.enqueue(part);
    },
    flush,
  }));
}
