import { scanTo } from './text-segments.ts';

/** A piece of model output, marked as reasoning (inside `<think>`) or answer text. */
export interface ThinkSegment {
  reasoning: boolean;
  text: string;
}

/** Incremental splitter: feed text deltas, get segments; tags may be cut anywhere. */
export interface ThinkTagSplitter {
  push(text: string): ThinkSegment[];
  /** End of output: returns any text held back while waiting for a possible tag. */
  flush(): ThinkSegment[];
}

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Splits inline reasoning (`<think>…</think>`, as DeepSeek-R1 style models write it through
 * servers that do not separate it) from the answer. A tag cut across deltas is held back
 * until the next delta decides it; the blank lines models put after `</think>` are dropped.
 */
export function createThinkTagSplitter(): ThinkTagSplitter {
  let inThink = false;
  let carry = '';
  let afterClose = false;

  const emit = (out: ThinkSegment[], text: string): void => {
    if (!inThink && afterClose) {
      text = text.replace(/^[\r\n]+/, '');
      if (text === '') return;
      afterClose = false;
    }
    if (text === '') return;
    const last = out.at(-1);
    if (last && last.reasoning === inThink) last.text += text;
    else out.push({ reasoning: inThink, text });
  };

  return {
    push(text) {
      const out: ThinkSegment[] = [];
      let s = carry + text;
      carry = '';
      for (;;) {
        const tag = inThink ? CLOSE : OPEN;
        const r = scanTo(s, [tag]);
        emit(out, r.text);
        if (!r.at) {
          carry = r.held;
          return out;
        }
        afterClose = inThink;
        inThink = !inThink;
        s = s.slice(r.at.index + tag.length);
      }
    },
    flush() {
      const out: ThinkSegment[] = [];
      emit(out, carry);
      carry = '';
      return out;
    },
  };
}

/** One-shot form for complete (non-streamed) text. */
export function splitThinkTags(text: string): ThinkSegment[] {
  const s = createThinkTagSplitter();
  const out = [...s.push(text), ...s.flush()];
  // Merge neighbours of the same kind that the two calls produced separately.
  return out.reduce<ThinkSegment[]>((acc, seg) => {
    const last = acc.at(-1);
    if (last && last.reasoning === seg.reasoning) last.text += seg.text;
    else acc.push({ ...seg });
    return acc;
  }, []);
}
