import { expect, test } from 'bun:test';
import { parseGoogleCredentials } from './parse-google-credentials.ts';

const fail = (text: string): string => {
  try {
    parseGoogleCredentials(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('parsed');
};

test('authorized_user: client, secret, refresh token, quota project; token_uri when the file names one', () => {
  const json = { type: 'authorized_user', client_id: 'c.apps.googleusercontent.com', client_secret: 'cs', refresh_token: 'rt', quota_project_id: 'q', token_uri: 'https://oauth2.example/token' };
  expect(parseGoogleCredentials(JSON.stringify(json))).toEqual({
    type: 'authorized_user', clientId: 'c.apps.googleusercontent.com', clientSecret: 'cs', refreshToken: 'rt', quotaProjectId: 'q', tokenUri: 'https://oauth2.example/token',
  });
});

test('a field missing is named, its neighbours\' values are not quoted', () => {
  const message = fail(JSON.stringify({ type: 'authorized_user', client_id: 'c', client_secret: 'secret-value-1', refresh_token: '' }));
  expect(message).toBe('The Vertex AI user credentials have no refresh_token: run `gcloud auth application-default login` again.');
});

test('other credential types and non-JSON are refused without quoting the content', () => {
  const message = fail(JSON.stringify({ type: 'external_account', audience: 'aud', credential_source: { file: '/secret/path' } }));
  expect(message).toStartWith('The Vertex AI credentials are of type "external_account"; supported are service-account keys ("service_account") and gcloud user credentials ("authorized_user")');
  expect(message).not.toContain('/secret/path');
  expect(fail('{not json secret-value-2')).toBe('The Vertex AI credentials are not a Google credentials file (not JSON).');
  expect(fail('null')).toContain('not a JSON object');
});

test('service_account: quota_project_id is kept beside project_id', () => {
  const key = parseGoogleCredentials(JSON.stringify({ type: 'service_account', client_email: 'e', private_key: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n', project_id: 'p', quota_project_id: 'q' }));
  expect(key).toMatchObject({ type: 'service_account', projectId: 'p', quotaProjectId: 'q', tokenUri: 'https://oauth2.googleapis.com/token' });
});
