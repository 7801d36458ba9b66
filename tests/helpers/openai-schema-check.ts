/**
 * OpenAI's check of a function's `parameters` that MCP servers fail most: every array declares
 * its `items`. The first array without, as OpenAI's 400 words it ("Invalid schema for function
 * 'read_multiple_files': In context=('properties', 'paths'), array schema missing items."), or
 * undefined. Used by the Chat and Responses mocks.
 */
export function missingItemsMessage(name: string, parameters: unknown): string | undefined {
  const at = findArrayWithoutItems(parameters, []);
  return at && `Invalid schema for function '${name}': In context=(${at.map((p) => `'${p}'`).join(', ')}), array schema missing items.`;
}

function findArrayWithoutItems(s: unknown, path: string[]): string[] | undefined {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return undefined;
  const o = s as Record<string, unknown>;
  const isArray = o.type === 'array' || (Array.isArray(o.type) && o.type.includes('array'));
  if (isArray && o.items === undefined) return path;
  if (typeof o.properties === 'object' && o.properties !== null) {
    for (const [k, v] of Object.entries(o.properties)) {
      const found = findArrayWithoutItems(v, [...path, 'properties', k]);
      if (found) return found;
    }
  }
  if (o.items !== undefined) {
    const found = findArrayWithoutItems(o.items, [...path, 'items']);
    if (found) return found;
  }
  for (const k of ['anyOf', 'oneOf', 'allOf']) {
    const list = o[k];
    if (!Array.isArray(list)) continue;
    for (const [i, v] of list.entries()) {
      const found = findArrayWithoutItems(v, [...path, k, String(i)]);
      if (found) return found;
    }
  }
  return undefined;
}
