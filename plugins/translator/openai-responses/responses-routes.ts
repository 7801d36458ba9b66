import type { ShellRoute } from '../../../core/plugin/lazy-translator.ts';

/**
 * The Responses dialect's routes: `POST /v1/responses` runs the pipeline; the stored-response
 * routes are answered by the translator (404: nothing is stored).
 */
export const RESPONSES_ROUTES: readonly ShellRoute[] = [
  { method: 'POST', path: '/v1/responses', summary: 'OpenAI Responses' },
  { method: 'GET', path: '/v1/responses/:id', summary: 'Retrieve a stored response (none are kept: 404)', custom: true },
  { method: 'DELETE', path: '/v1/responses/:id', summary: 'Delete a stored response (none are kept: 404)', custom: true },
  { method: 'POST', path: '/v1/responses/:id/cancel', summary: 'Cancel a background response (none are kept: 404)', custom: true },
  { method: 'GET', path: '/v1/responses/:id/input_items', summary: 'Input items of a stored response (none are kept: 404)', custom: true },
];
