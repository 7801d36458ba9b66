/**
 * An escaped surrogate (`\ud800`–`\udfff`) that is not half of a pair, or an escaped backslash
 * (matched so that `\\ud83d`, a backslash then text, is not read as an escape). A pair written
 * as two escapes (`\ud83d\ude00`, as Python's `json.dumps` writes an emoji) is matched whole
 * and kept.
 */
const ESCAPES = /\\(?:\\|u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u([dD][89a-fA-F][0-9a-fA-F]{2}))/g;

/**
 * JSON text whose strings hold no lone surrogate: each escaped one becomes `\ufffd` (U+FFFD,
 * what any UTF-8 encoder writes for it). `JSON.stringify` writes a lone surrogate as an escape
 * (a tool output cut in the middle of an emoji, a file read in the wrong encoding), and strict
 * parsers refuse the whole body for it: the Messages API answers 400 "no low surrogate in
 * string", DeepSeek "lone leading surrogate in hex escape". A coding agent replays its history,
 * so one such character fails every later turn of the conversation. Text without an escaped
 * surrogate, nearly all of it, is returned as it is after one native search.
 */
export function wellFormedJson(text: string): string {
  if (!hasSurrogateEscape(text)) return text;
  return text.replace(ESCAPES, (escape, lone: string | undefined) => (lone === undefined ? escape : '\\ufffd'));
}

/** True when `text` holds `\uD8`…`\uDF` (either case) somewhere: a surrogate written as an escape. */
function hasSurrogateEscape(text: string): boolean {
  for (let i = text.indexOf('\\u'); i !== -1; i = text.indexOf('\\u', i + 2)) {
    if ((text.charCodeAt(i + 2) | 0x20) !== 0x64) continue; // d
    const c = text.charCodeAt(i + 3) | 0x20;
    if (c === 0x38 || c === 0x39 || (c >= 0x61 && c <= 0x66)) return true; // 8, 9, a–f
  }
  return false;
}
