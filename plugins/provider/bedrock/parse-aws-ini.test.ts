import { describe, expect, test } from 'bun:test';
import { parseAwsIni } from './parse-aws-ini.ts';

const plain = (m: Map<string, Readonly<Record<string, string>>>) => Object.fromEntries([...m].map(([k, v]) => [k, { ...v }]));

describe('parseAwsIni', () => {
  test('sections and settings: names trimmed, keys folded to lower case, values kept as written', () => {
    const text = [
      '[default]',
      'aws_access_key_id=AKIADEFAULT00000001',
      '  AWS_Secret_Access_Key   =   s3cr3t/with+slash=  ',
      '[ profile  dev ]',
      'region = eu-west-3',
      'output = "json"',
      '[Dev]',
      'aws_access_key_id = AKIAUPPERCASE000001',
    ].join('\n');
    expect(plain(parseAwsIni(text))).toEqual({
      default: { aws_access_key_id: 'AKIADEFAULT00000001', aws_secret_access_key: 's3cr3t/with+slash=' },
      'profile  dev': { region: 'eu-west-3', output: '"json"' },
      Dev: { aws_access_key_id: 'AKIAUPPERCASE000001' },
    });
  });

  test('comments: # and ; whole lines, and after whitespace; a # inside a value stays', () => {
    const text = [
      '# leading comment',
      '; another',
      '[default] # the default profile',
      'aws_access_key_id = AKIAEXAMPLE0000001 ; inline',
      'aws_secret_access_key = abc#def;ghi',
      '   # indented comment',
      'region = us-west-2	# after a tab',
    ].join('\n');
    expect(plain(parseAwsIni(text))).toEqual({ default: { aws_access_key_id: 'AKIAEXAMPLE0000001', aws_secret_access_key: 'abc#def;ghi', region: 'us-west-2' } });
  });

  test('CRLF, a BOM, lines outside sections or without =, empty values set nothing', () => {
    const text = '\uFEFFstray = 1\r\n[default]\r\nnot a setting\r\n= nameless\r\naws_session_token =\r\nregion = ap-south-1\r\n';
    expect(plain(parseAwsIni(text))).toEqual({ default: { region: 'ap-south-1' } });
  });

  test('indented sub-settings under an empty key do not shadow the profile\'s own keys', () => {
    const text = [
      '[profile dev]',
      's3 =',
      '  region = not-this-one',
      '  max_concurrent_requests = 10',
      'region = eu-central-1',
    ].join('\n');
    expect(plain(parseAwsIni(text))).toEqual({ 'profile dev': { 's3.region': 'not-this-one', 's3.max_concurrent_requests': '10', region: 'eu-central-1' } });
  });

  test('keys indented alike are settings, not sub-settings (only deeper lines are)', () => {
    const text = '[default]\n  aws_session_token =\n  region = sa-east-1\n';
    expect(plain(parseAwsIni(text))).toEqual({ default: { region: 'sa-east-1' } });
  });

  test('a section named twice merges, the later value winning; __proto__ is an ordinary name', () => {
    const text = '[a]\nx = 1\ny = 2\n[__proto__]\n__proto__ = p\n[a]\ny = 3\n';
    const parsed = parseAwsIni(text);
    expect(plain(parsed).a).toEqual({ x: '1', y: '3' });
    expect(parsed.get('__proto__')?.['__proto__']).toBe('p');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
