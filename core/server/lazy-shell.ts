import { jsonError } from './gateway-lane.ts';

/** A built shell: answers any request that is not on a gateway lane. */
export interface Shell {
  handle(request: Request): Promise<Response>;
  close(): void;
}

/**
 * The Elysia shell (admin API, `/docs`, dashboard, health) built on its first request instead
 * of at start: a gateway that only proxies model calls never loads Elysia, its schema library,
 * the OpenAPI plugin or the admin routes, which is most of its start-up time and memory.
 * Concurrent first requests share one build; a failed build answers 500 and is retried by the
 * next request.
 */
export function createLazyShell(build: () => Promise<Shell>) {
  let building: Promise<Shell> | undefined;
  let built: Shell | undefined;
  let closed = false;
  return {
    fetch(request: Request): Promise<Response> {
      if (built) return built.handle(request);
      building ??= build().then((s) => {
        if (closed) s.close();
        return (built = s);
      }, (err: unknown) => {
        building = undefined;
        throw err;
      });
      return building.then((s) => s.handle(request), (err: unknown) => jsonError(500, 'Internal gateway error.', err));
    },
    /** Closes the shell if it was built (or once its build finishes). */
    close(): void {
      closed = true;
      built?.close();
    },
  };
}
