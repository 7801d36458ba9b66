import type { ContentPart, Message } from '../../../core/types/hub.ts';
import type { EmbedInput } from '../../../core/types/operations.ts';
import type { Finding, SecretScanner } from './secret-patterns.ts';

/**
 * Scans every text a chat request carries to the model: text parts of all roles, tool call
 * arguments and tool results. Reasoning is left alone (it is signed by the provider that wrote
 * it; changing it breaks the next turn). Returns the messages unchanged (the same array) when
 * nothing was found, else copies with each secret replaced.
 */
export function scanMessages(messages: Message[], scanner: SecretScanner): { messages: Message[]; findings: Finding[] } {
  const findings: Finding[] = [];
  let out: Message[] | undefined;
  messages.forEach((m, i) => {
    let parts: ContentPart[] | undefined;
    m.content.forEach((p, j) => {
      const next = scanPart(p, `messages[${i}]`, scanner, findings);
      if (next === p) return;
      parts ??= m.content.slice();
      parts[j] = next;
    });
    if (!parts) return;
    out ??= messages.slice();
    out[i] = { ...m, content: parts };
  });
  return { messages: out ?? messages, findings };
}

function scanPart(p: ContentPart, where: string, scanner: SecretScanner, findings: Finding[]): ContentPart {
  const text = (s: string, at: string): string => {
    const r = scanner.scan(s);
    for (const kind of r.kinds) findings.push({ kind, where: at });
    return r.redacted;
  };
  switch (p.type) {
    case 'text': {
      const t = text(p.text, where);
      return t === p.text ? p : { ...p, text: t };
    }
    case 'tool-call': {
      // Arguments are JSON text: a replacement without quotes or backslashes keeps it valid.
      const a = text(p.arguments, `${where}.tool_call`);
      return a === p.arguments ? p : { ...p, arguments: a };
    }
    case 'tool-result': {
      let changed = false;
      const content = p.content.map((c) => {
        if (c.type !== 'text') return c;
        const t = text(c.text, `${where}.tool_result`);
        if (t === c.text) return c;
        changed = true;
        return { ...c, text: t };
      });
      return changed ? { ...p, content } : p;
    }
    default:
      return p;
  }
}

/** Scans the text inputs of an embeddings request (code sent for indexing); token arrays are left alone. */
export function scanEmbedInputs(input: EmbedInput[], scanner: SecretScanner): { input: EmbedInput[]; findings: Finding[] } {
  const findings: Finding[] = [];
  let out: EmbedInput[] | undefined;
  input.forEach((x, i) => {
    if (typeof x !== 'string') return;
    const r = scanner.scan(x);
    if (r.kinds.length === 0) return;
    for (const kind of r.kinds) findings.push({ kind, where: `input[${i}]` });
    out ??= input.slice();
    out[i] = r.redacted;
  });
  return { input: out ?? input, findings };
}
