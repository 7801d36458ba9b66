/**
 * Every `/api` route the shell itself serves (the admin API and `/api/health`), as data: the
 * plugin host checks plugin `api` routes against it when a plugin is set up, before the Elysia
 * shell (built on first use) exists. A plugin route matching one of these would never be
 * reached. `tests/admin/builtin-admin-routes.test.ts` compares it with the built shell.
 */
export const BUILTIN_ADMIN_ROUTES: ReadonlyArray<{ method: string; path: string }> = [
  ['GET', '/api/health'],
  ['GET', '/api/auth/state'], ['POST', '/api/auth/setup'], ['POST', '/api/auth/login'],
  ['POST', '/api/auth/logout'], ['POST', '/api/auth/password'],
  ['GET', '/api/overview'], ['GET', '/api/audit'], ['GET', '/api/events'], ['GET', '/api/models'],
  ['GET', '/api/presets'], ['GET', '/api/providers'], ['POST', '/api/providers'],
  ['GET', '/api/providers/:name'], ['PATCH', '/api/providers/:name'], ['DELETE', '/api/providers/:name'],
  ['GET', '/api/providers/:name/models'], ['POST', '/api/providers/:name/test'],
  ['POST', '/api/providers/:name/enable'], ['POST', '/api/providers/:name/disable'],
  ['POST', '/api/providers/:name/keys'], ['DELETE', '/api/providers/:name/keys/:accountId'],
  ['GET', '/api/aliases'], ['PUT', '/api/aliases/:name'], ['DELETE', '/api/aliases/:name'],
  ['GET', '/api/combos'], ['PUT', '/api/combos/:name'], ['PATCH', '/api/combos/:name'], ['DELETE', '/api/combos/:name'],
  ['GET', '/api/plugins'], ['GET', '/api/plugins/:name'], ['PUT', '/api/plugins/:name/config'],
  ['POST', '/api/plugins/:name/enable'], ['POST', '/api/plugins/:name/disable'],
  ['POST', '/api/plugins/reload'], ['PUT', '/api/plugins/order'],
  ['GET', '/api/settings'], ['PATCH', '/api/settings'],
  ['GET', '/api/keys'], ['POST', '/api/keys'], ['GET', '/api/keys/:id'], ['PATCH', '/api/keys/:id'],
  ['DELETE', '/api/keys/:id'], ['POST', '/api/keys/:id/revoke'], ['POST', '/api/keys/:id/rotate'],
  ['GET', '/api/usage/totals'], ['GET', '/api/usage/timeseries'], ['GET', '/api/usage/export.csv'],
  ['GET', '/api/logs'], ['GET', '/api/logs/:requestId'],
  ['POST', '/api/playground/chat'], ['POST', '/api/playground/translate'],
  ['GET', '/api/tools'], ['POST', '/api/tools/:tool/apply'],
].map(([method, path]) => ({ method, path }));
