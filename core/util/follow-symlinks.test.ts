import { afterEach, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followSymlinks } from './follow-symlinks.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp folder with `home/` and `dotfiles/`, by its real path (macOS links /tmp). */
function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sy-links-')));
  dirs.push(dir);
  mkdirSync(join(dir, 'home'));
  mkdirSync(join(dir, 'dotfiles'));
  return dir;
}

describe('followSymlinks', () => {
  test('a plain file, present or missing, is its own target with no hops', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'home', 'c.yaml'), 'a: 0\n');
    expect(followSymlinks(join(dir, 'home', 'c.yaml'))).toEqual({ hops: [], target: join(dir, 'home', 'c.yaml') });
    expect(followSymlinks(join(dir, 'home', 'new.yaml'))).toEqual({ hops: [], target: join(dir, 'home', 'new.yaml') });
  });

  test('a chain of links, relative and absolute: every hop in order, the last file the target', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'dotfiles', 'c.yaml'), 'a: 0\n');
    symlinkSync('../dotfiles/c.yaml', join(dir, 'home', 'mid.yaml'));
    symlinkSync(join(dir, 'home', 'mid.yaml'), join(dir, 'home', 'c.yaml'));
    expect(followSymlinks(join(dir, 'home', 'c.yaml'))).toEqual({
      hops: [join(dir, 'home', 'mid.yaml'), join(dir, 'dotfiles', 'c.yaml')],
      target: join(dir, 'dotfiles', 'c.yaml'),
    });
  });

  test('a dangling link: the target is where its file would be created', () => {
    const dir = tempDir();
    symlinkSync('../dotfiles/new.yaml', join(dir, 'home', 'c.yaml'));
    expect(followSymlinks(join(dir, 'home', 'c.yaml'))).toEqual({ hops: [join(dir, 'dotfiles', 'new.yaml')], target: join(dir, 'dotfiles', 'new.yaml') });
  });

  test('a linked folder on the way: no hops, the real path is the target', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'dotfiles', 'c.yaml'), 'a: 0\n');
    symlinkSync(join(dir, 'dotfiles'), join(dir, 'home', 'switchyard'));
    expect(followSymlinks(join(dir, 'home', 'switchyard', 'c.yaml'))).toEqual({ hops: [], target: join(dir, 'dotfiles', 'c.yaml') });
  });

  test('links that loop have no target', () => {
    const dir = tempDir();
    symlinkSync(join(dir, 'home', 'b.yaml'), join(dir, 'home', 'a.yaml'));
    symlinkSync(join(dir, 'home', 'a.yaml'), join(dir, 'home', 'b.yaml'));
    const { hops, target } = followSymlinks(join(dir, 'home', 'a.yaml'));
    expect(target).toBeUndefined();
    expect(new Set(hops)).toEqual(new Set([join(dir, 'home', 'a.yaml'), join(dir, 'home', 'b.yaml')]));
  });
});
