import { expect, test } from 'bun:test';
import { expandHome } from './expand-home.ts';

test('~ and ~/x are the home folder; anything else stays', () => {
  expect(expandHome('~', '/home/u')).toBe('/home/u');
  expect(expandHome('~/', '/home/u')).toBe('/home/u/');
  expect(expandHome('~/sy/data', '/home/u')).toBe('/home/u/sy/data');
  for (const p of ['/abs', 'rel/x', './~', '~user/x', 'a/~/b', '~x', '']) expect(expandHome(p, '/home/u')).toBe(p);
});
