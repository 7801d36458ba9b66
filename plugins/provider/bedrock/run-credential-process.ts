import { awsAuthError } from './aws-auth-error.ts';
import type { AwsProcessPlan, TemporaryAwsCredentials } from './aws-credential-plan.ts';
import { parseCredentialProcessOutput } from './parse-credential-process-output.ts';
import type { Env } from './read-aws-shared-files.ts';
import { splitCommandLine } from './split-command-line.ts';

/** How long a credential process may run, and how much it may print. */
export interface CredentialProcessLimits {
  timeoutMs: number;
  maxOutputBytes: number;
}

export const CREDENTIAL_PROCESS_LIMITS: CredentialProcessLimits = { timeoutMs: 30_000, maxOutputBytes: 64 * 1024 };

type Outcome = { kind: 'done'; stdout: string; exitCode: number } | { kind: 'timeout' } | { kind: 'too-long' };

/** Reads stdout up to `max` bytes; `too-long` (and the process killed) past it. */
async function readCapped(proc: Bun.Subprocess<'ignore', 'pipe', 'ignore'>, max: number): Promise<Outcome> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of proc.stdout) {
    size += chunk.byteLength;
    if (size > max) {
      proc.kill('SIGKILL');
      return { kind: 'too-long' };
    }
    chunks.push(chunk);
  }
  const exitCode = await proc.exited;
  return { kind: 'done', stdout: Buffer.concat(chunks).toString('utf8'), exitCode };
}

/** Runs the command (no shell) with the gateway's environment; stdin and stderr go nowhere. */
async function run(argv: string[], env: Env, limits: CredentialProcessLimits, label: string): Promise<Outcome> {
  let proc: Bun.Subprocess<'ignore', 'pipe', 'ignore'>;
  try {
    const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
    proc = Bun.spawn(argv, { stdin: 'ignore', stdout: 'pipe', stderr: 'ignore', env: vars });
  } catch (e) {
    throw awsAuthError(`${label}: its credential_process could not be started (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve({ kind: 'timeout' });
    }, limits.timeoutMs);
  });
  try {
    return await Promise.race([readCapped(proc, limits.maxOutputBytes), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the profile's `credential_process` as the AWS CLI does: the command split into words
 * (`splitCommandLine`, no shell), the gateway's environment, its stdout read as the credentials'
 * JSON (`parseCredentialProcessOutput`). The process is killed past `limits.timeoutMs` or
 * `limits.maxOutputBytes` of output. Resolves with the keys and their expiry.
 *
 * Errors: GW_UPSTREAM_AUTH (502, retryable) naming the profile (`label`) and what went wrong
 * (cannot be split or started, a timeout, too much output, a non-zero exit, no valid
 * credentials JSON, credentials already expired). Never quotes the command or its output: both
 * may hold secrets.
 */
export async function runCredentialProcess(
  plan: AwsProcessPlan, env: Env, now: number, label: string, limits: CredentialProcessLimits = CREDENTIAL_PROCESS_LIMITS,
): Promise<TemporaryAwsCredentials> {
  const argv = splitCommandLine(plan.command);
  if (!argv) throw awsAuthError(`${label}: its credential_process is empty or has an unterminated quote.`);
  const outcome = await run(argv, env, limits, label);
  if (outcome.kind === 'timeout') throw awsAuthError(`${label}: its credential_process did not finish within ${limits.timeoutMs / 1000} s and was stopped.`);
  if (outcome.kind === 'too-long') throw awsAuthError(`${label}: its credential_process printed more than ${limits.maxOutputBytes} bytes and was stopped.`);
  if (outcome.exitCode !== 0) throw awsAuthError(`${label}: its credential_process exited with status ${outcome.exitCode}.`);
  const issued = parseCredentialProcessOutput(outcome.stdout);
  if (!issued) {
    throw awsAuthError(`${label}: its credential_process did not print credentials as JSON `
      + '({"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}).');
  }
  if (issued.expiresAt !== undefined && issued.expiresAt <= now) throw awsAuthError(`${label}: its credential_process returned credentials that have already expired.`);
  return issued;
}
