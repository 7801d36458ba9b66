import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import { badRequest } from './check-schema.ts';

/** The paging parameters of an OpenAI list, checked. */
export interface ListQuery {
  order: 'asc' | 'desc';
  /** The id of the item the page starts after, or null for the first page. */
  after: string | null;
  /** 1–100. */
  limit: number;
}

/**
 * The paging parameters of an OpenAI list (`input_items`, conversation items) from the query:
 * `order` (`asc` or `desc`, else `defaultOrder`), `after` (an item id) and `limit` (1–100,
 * default 20). A bad `order` or `limit` is a 400.
 */
export function parseListQuery(q: URLSearchParams, defaultOrder: 'asc' | 'desc'): ListQuery {
  const order = q.get('order') ?? defaultOrder;
  if (order !== 'asc' && order !== 'desc') throw badRequest("Invalid value for 'order': expected 'asc' or 'desc'.", 'order');
  const limit = q.has('limit') ? Number(q.get('limit')) : 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badRequest("Invalid value for 'limit': an integer from 1 to 100.", 'limit');
  return { order, after: q.get('after') || null, limit };
}

/** The 400 for an `after` that names no item of the list. */
export function unknownAfter(after: string): GatewayError {
  return badRequest(`Invalid value for 'after': no item '${after.slice(0, 128)}' in this list.`, 'after');
}

/** One page in OpenAI's list shape: `{object: "list", data, first_id, last_id, has_more}`. */
export function listOf<T extends { id: string }>(data: readonly T[], hasMore: boolean): Record<string, unknown> {
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore };
}

/**
 * One page of a list held in memory (items given oldest first), by the query (see
 * `parseListQuery`); an `after` that is not in the list is a 400.
 */
export function listPage<T extends { id: string }>(oldestFirst: readonly T[], q: URLSearchParams, defaultOrder: 'asc' | 'desc'): Record<string, unknown> {
  const { order, after, limit } = parseListQuery(q, defaultOrder);
  let items = order === 'desc' ? [...oldestFirst].reverse() : [...oldestFirst];
  if (after !== null) {
    const at = items.findIndex((item) => item.id === after);
    if (at < 0) throw unknownAfter(after);
    items = items.slice(at + 1);
  }
  return listOf(items.slice(0, limit), items.length > limit);
}
