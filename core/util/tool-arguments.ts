/**
 * A tool call's arguments (the JSON text models write) as the object the wire formats that carry
 * them as JSON values want (Anthropic `input`, Converse `toolUse.input`, Gemini `args`): `{}`
 * for blank, invalid or non-object text, since those APIs refuse anything but an object.
 */
export function toolArgumentsObject(json: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
