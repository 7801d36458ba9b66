import type { OperationName, ProviderAdapter } from './types.ts';

/**
 * What the gateway reads from a provider adapter before calling it: the type it serves, its
 * native dialect and which optional members it has (the passthrough lane and the operations are
 * chosen by their presence).
 */
export interface AdapterShell {
  id: string;
  nativeDialect?: ProviderAdapter['nativeDialect'];
  /** The adapter's `nativeDialectOf`, given here (the lane is chosen before the code loads). */
  nativeDialectOf?: ProviderAdapter['nativeDialectOf'];
  /** Has `chat.generate`/`chat.stream` (default true). */
  chat?: boolean;
  /** Has `chat.passthrough`. */
  passthrough?: boolean;
  operations?: readonly OperationName[];
  listModels?: boolean;
  preview?: boolean;
  defaultModels?: readonly string[];
  credentialOptions?: ProviderAdapter['credentialOptions'];
}

type AnyOperation = (req: unknown, ...rest: never[]) => Promise<unknown>;

/**
 * A provider adapter whose code is imported on its first call, so a gateway with no provider of
 * that type does not keep the code in memory. `load` resolves to the real adapter, which must
 * have what the shell declares (checked once when it loads; a mismatch fails that call and every
 * later one).
 */
export function lazyAdapter(shell: AdapterShell, load: () => Promise<ProviderAdapter>): ProviderAdapter {
  let impl: ProviderAdapter | undefined;
  let loading: Promise<ProviderAdapter> | undefined;
  // Once loaded, calls go straight to the adapter (no promise hop of their own). Every member
  // returns a promise (`preview` may return either), so the loading path's promise fits `R`.
  const using = <R>(fn: (a: ProviderAdapter) => R): R =>
    impl ? fn(impl) : ((loading ??= load().then((a) => (impl = checkAdapterShape(shell, a)))).then(fn) as R);
  const adapter: ProviderAdapter = { id: shell.id };
  if (shell.nativeDialect) adapter.nativeDialect = shell.nativeDialect;
  if (shell.nativeDialectOf) adapter.nativeDialectOf = shell.nativeDialectOf;
  if (shell.defaultModels) adapter.defaultModels = shell.defaultModels;
  if (shell.credentialOptions) adapter.credentialOptions = shell.credentialOptions;
  if (shell.chat !== false) {
    const chat: NonNullable<ProviderAdapter['chat']> = {
      generate: (req, attempt, call) => using((a) => a.chat!.generate(req, attempt, call)),
      stream: (req, attempt, call) => using((a) => a.chat!.stream(req, attempt, call)),
    };
    adapter.chat = chat;
    if (shell.passthrough) chat.passthrough = (body, attempt, call) => using((a) => a.chat!.passthrough!(body, attempt, call));
  }
  if (shell.operations?.length) {
    const ops: Record<string, AnyOperation> = {};
    for (const op of shell.operations) {
      ops[op] = (req, ...rest) => using((a) => (a.operations![op] as unknown as AnyOperation)(req, ...rest));
    }
    adapter.operations = ops as ProviderAdapter['operations'];
  }
  if (shell.listModels) adapter.listModels = (provider, call) => using((a) => a.listModels!(provider, call));
  if (shell.preview) adapter.preview = (req, provider) => using((a) => a.preview!(req, provider));
  return adapter;
}

/** The loaded adapter, when it has what its shell declared; throws naming the difference. */
export function checkAdapterShape(shell: AdapterShell, a: ProviderAdapter): ProviderAdapter {
  const declared = describeShell(shell);
  const actual = describeShell({
    id: a.id, nativeDialect: a.nativeDialect, nativeDialectOf: a.nativeDialectOf, chat: Boolean(a.chat), passthrough: Boolean(a.chat?.passthrough),
    operations: Object.keys(a.operations ?? {}) as OperationName[], listModels: Boolean(a.listModels), preview: Boolean(a.preview),
  });
  if (declared !== actual) throw new Error(`provider adapter "${shell.id}" does not match its declared shell: ${declared} | loaded: ${actual}`);
  return a;
}

function describeShell(s: AdapterShell): string {
  const ops = [...(s.operations ?? [])].sort().join(',');
  return `id=${s.id} dialect=${s.nativeDialect ?? '-'}${s.nativeDialectOf ? ' per-model' : ''} chat=${s.chat !== false} passthrough=${Boolean(s.passthrough)} operations=[${ops}] listModels=${Boolean(s.listModels)} preview=${Boolean(s.preview)}`;
}
