import { expect, test } from 'bun:test';
import { splitCommandLine } from './split-command-line.ts';

test('words, single and double quotes, backslashes, as a POSIX shell splits them', () => {
  expect(splitCommandLine('/usr/bin/creds  --profile dev\t--json')).toEqual(['/usr/bin/creds', '--profile', 'dev', '--json']);
  expect(splitCommandLine(`"/opt/my tools/creds" 'a b' c\\ d`)).toEqual(['/opt/my tools/creds', 'a b', 'c d']);
  expect(splitCommandLine(`x "say \\"hi\\" \\n" '\\n' ""`)).toEqual(['x', 'say "hi" \\n', '\\n', '']);
  expect(splitCommandLine('a"b"\'c\'d')).toEqual(['abcd']);
});

test('nothing is expanded or interpreted: no shell runs', () => {
  expect(splitCommandLine('echo $HOME ~ *.json; rm -rf / | cat')).toEqual(['echo', '$HOME', '~', '*.json;', 'rm', '-rf', '/', '|', 'cat']);
});

test('empty commands, unterminated quotes and a trailing backslash are refused', () => {
  for (const bad of ['', '   ', '"open', "it's", 'end\\']) expect(splitCommandLine(bad)).toBeUndefined();
});
