/** Characters a backslash escapes inside double quotes, as in a POSIX shell. */
const DOUBLE_QUOTED_ESCAPES = new Set(['\\', '"', '$', '`', '\n']);

/**
 * Splits a `credential_process` command into the program and its arguments the way the AWS CLI
 * does on Linux and macOS (POSIX shell word splitting, no shell run): words separated by
 * unquoted whitespace; `'…'` taken literally; `"…"` with `\` escaping only `\ " $` and the
 * backquote; an unquoted `\` escaping the next character. Nothing is expanded (`$HOME`, `~`,
 * globs, pipes, `;` are plain characters). Pure.
 *
 * Returns undefined for an empty command, an unterminated quote or a trailing backslash.
 */
export function splitCommandLine(command: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && DOUBLE_QUOTED_ESCAPES.has(command[i + 1] ?? '')) word += command[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= command.length) return undefined;
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(word);
  return words.length > 0 ? words : undefined;
}
