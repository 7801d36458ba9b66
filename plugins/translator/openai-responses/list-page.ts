import { badRequest } from './check-schema.ts';

/**
 * One page of an OpenAI list (`input_items`, conversation items) from the query: `order`
 * (`asc` or `desc`), `after` (an item id) and `limit` (1–100, default 20). Items are given oldest
 * first. Answers `{object: "list", data, first_id, last_id, has_more}`; a bad parameter is a 400.
 */
export function listPage<T extends { id: string }>(oldestFirst: readonly T[], q: URLSearchParams, defaultOrder: 'asc' | 'desc'): Record<string, unknown> {
  const order = q.get('order') ?? defaultOrder;
  if (order !== 'asc' && order !== 'desc') throw badRequest("Invalid value for 'order': expected 'asc' or 'desc'.", 'order');
  const limit = q.has('limit') ? Number(q.get('limit')) : 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badRequest("Invalid value for 'limit': an integer from 1 to 100.", 'limit');
  let items = order === 'desc' ? [...oldestFirst].reverse() : [...oldestFirst];
  const after = q.get('after');
  if (after) {
    const at = items.findIndex((item) => item.id === after);
    if (at < 0) throw badRequest(`Invalid value for 'after': no item '${after.slice(0, 128)}' in this list.`, 'after');
    items = items.slice(at + 1);
  }
  const data = items.slice(0, limit);
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: items.length > limit };
}
