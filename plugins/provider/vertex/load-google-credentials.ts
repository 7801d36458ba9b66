import { expandHome } from '../../../core/util/expand-home.ts';
import { findAdcFile, type AdcPlace } from './find-adc-file.ts';
import { googleAuthError, type GoogleCredentials } from './google-credentials.ts';
import { parseGoogleCredentials } from './parse-google-credentials.ts';

/** The `credentials:` value that asks for Application Default Credentials. */
export const ADC = 'adc';

/**
 * The credential named by a provider's `credentials:`: the file's JSON itself (text starting with
 * `{`, e.g. from an environment variable), `adc` (Application Default Credentials, `findAdcFile`),
 * or the path of a file (`~/` is the home folder). Files are read anew at each call, so a rotated
 * key or a new `gcloud auth application-default login` is picked up at the next token refresh.
 * Errors: GW_UPSTREAM_AUTH (502) for a missing file and those of `findAdcFile` and
 * `parseGoogleCredentials`; the message never quotes the file's content.
 */
export async function loadGoogleCredentials(credentials: string, place: AdcPlace): Promise<GoogleCredentials> {
  if (credentials.trimStart().startsWith('{')) return parseGoogleCredentials(credentials);
  if (credentials.trim() === ADC) {
    const adc = await findAdcFile(place);
    return parseGoogleCredentials(await readCredentialsFile(adc.path, adc.from === 'GOOGLE_APPLICATION_CREDENTIALS' ? ' (GOOGLE_APPLICATION_CREDENTIALS)' : ''));
  }
  return parseGoogleCredentials(await readCredentialsFile(credentials.trim(), ''));
}

async function readCredentialsFile(path: string, namedBy: string): Promise<string> {
  const file = Bun.file(expandHome(path));
  try {
    return await file.text();
  } catch {
    throw googleAuthError(`The Vertex AI credentials file "${path}"${namedBy} cannot be read.`);
  }
}
