/**
 * Model names the mock understands; a name may carry a suffix (`slow-500`, `echo-large`). Its own
 * file: the plugin lists them at start-up, the adapter's code loads on the first request.
 */
export const MOCK_MODELS = ['echo', 'tools', 'think', 'fail-500', 'fail-429', 'slow', 'midstream-drop'] as const;
/** One of the behaviours in {@link MOCK_MODELS}. */
export type MockBehaviour = (typeof MOCK_MODELS)[number];
