import { join, win32 } from 'node:path';
import { googleAuthError, type Env } from './google-credentials.ts';

/** Where the lookup runs: the environment, and the OS (the default gcloud folder differs on Windows). */
export interface AdcPlace {
  env: Env;
  platform?: NodeJS.Platform;
}

/** The ADC file and what named it (for error messages). */
export interface AdcFile {
  path: string;
  from: 'GOOGLE_APPLICATION_CREDENTIALS' | 'gcloud';
}

const WELL_KNOWN = 'application_default_credentials.json';

/**
 * The Application Default Credentials file, found as Google's client libraries find it:
 * `$GOOGLE_APPLICATION_CREDENTIALS` (used as it is, even when it cannot be read), else
 * gcloud's `application_default_credentials.json` in `$CLOUDSDK_CONFIG`, else in
 * `~/.config/gcloud` (`%APPDATA%\gcloud` on Windows). The metadata server of a Google Cloud VM,
 * the libraries' last resort, is not asked: the outbound SSRF guard blocks 169.254.169.254.
 * Errors: GW_UPSTREAM_AUTH (502) when there is no such file, saying where it looked.
 *
 * @see https://cloud.google.com/docs/authentication/application-default-credentials
 */
export async function findAdcFile(place: AdcPlace): Promise<AdcFile> {
  const { env } = place;
  const named = env.GOOGLE_APPLICATION_CREDENTIALS?.trim();
  if (named) return { path: named, from: 'GOOGLE_APPLICATION_CREDENTIALS' };
  const path = gcloudAdcPath(place);
  if (path && (await Bun.file(path).exists())) return { path, from: 'gcloud' };
  throw googleAuthError(
    `No Application Default Credentials found (credentials: adc): GOOGLE_APPLICATION_CREDENTIALS is not set${path ? ` and ${path} does not exist` : ''}. `
    + 'Run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS (or credentials:) to a key file. '
    + "The metadata server of a Google Cloud VM is not supported: the gateway's outbound SSRF guard always blocks 169.254.169.254.",
  );
}

/** gcloud's ADC file: in `$CLOUDSDK_CONFIG`, else its default config folder; undefined without `HOME` / `APPDATA`. */
function gcloudAdcPath({ env, platform = process.platform }: AdcPlace): string | undefined {
  const config = env.CLOUDSDK_CONFIG?.trim();
  if (platform === 'win32') {
    if (config) return win32.join(config, WELL_KNOWN);
    return env.APPDATA ? win32.join(env.APPDATA, 'gcloud', WELL_KNOWN) : undefined;
  }
  if (config) return join(config, WELL_KNOWN);
  return env.HOME ? join(env.HOME, '.config', 'gcloud', WELL_KNOWN) : undefined;
}
