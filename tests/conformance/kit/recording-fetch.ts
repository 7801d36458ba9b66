/**
 * A `fetch` for the SDKs' `fetch` option that remembers the JSON body of the last request, so a
 * test can compare what the client sent with what the upstream received (the passthrough lane).
 */
export function createRecordingFetch(): { fetch: typeof fetch; last(): Record<string, unknown> | undefined } {
  let last: Record<string, unknown> | undefined;
  const recording = (async (input: RequestInfo | URL, init?: RequestInit) => {
    last = undefined;
    if (typeof init?.body === 'string') {
      try {
        last = JSON.parse(init.body) as Record<string, unknown>;
      } catch {
        last = undefined;
      }
    }
    return fetch(input, init);
  }) as typeof fetch;
  return { fetch: recording, last: () => last };
}
