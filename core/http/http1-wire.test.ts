import { describe, expect, test } from 'bun:test';
import { parseResponseHead, type ResponseHead } from './http1-wire.ts';

/** A head that must parse. */
function head(text: string): ResponseHead {
  const h = parseResponseHead(text);
  if (typeof h === 'string') throw new Error(`expected a head, got "${h}"`);
  return h;
}

describe('parseResponseHead', () => {
  test('status line, headers and framing of a plain CRLF head', () => {
    const h = head('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nX-Id: a\r\nx-id: b\r\n\r\n');
    expect(h).toMatchObject({ minor: 1, status: 200, statusText: 'OK', chunked: true, length: -1, keepAlive: true, encoding: '' });
    expect([...h.headers]).toEqual([['content-type', 'text/event-stream'], ['transfer-encoding', 'chunked'], ['x-id', 'a, b']]);
  });

  test('bare LF and mixed line ends read as CRLF ones; a CR before the LF is dropped once', () => {
    for (const text of [
      'HTTP/1.1 404 Not Found\nContent-Length: 3\nX-A: 1\n\n',
      'HTTP/1.1 404 Not Found\r\nContent-Length: 3\nX-A: 1\r\n\n',
      'HTTP/1.1 404 Not Found\nContent-Length: 3\r\nX-A: 1\n\r\n',
    ]) {
      const h = head(text);
      expect(h).toMatchObject({ status: 404, statusText: 'Not Found', length: 3 });
      expect(h.headers.get('x-a')).toBe('1');
    }
    expect(head('HTTP/1.1 200 OK\r\nX-A: 1\r\r\n\r\n').headers.get('x-a')).toBe('1');
  });

  test('obs-fold continuation lines join their field with one space', () => {
    const h = head('HTTP/1.1 200 OK\r\nX-Long: one\r\n  two\r\n\tthree \r\nX-Next: n\r\n\r\n');
    expect(h.headers.get('x-long')).toBe('one two three');
    expect(h.headers.get('x-next')).toBe('n');
  });

  test('values are trimmed as String.prototype.trim does; any latin1 character but NUL, CR and LF is kept', () => {
    const h = head('HTTP/1.1 200 OK\r\nX-A:   spaced \t\r\nX-B:\xa0nbsp\xa0\r\nX-C: caf\xe9 \x80\x9f\r\nX-D:\r\n\r\n');
    expect(h.headers.get('x-a')).toBe('spaced');
    expect(h.headers.get('x-b')).toBe('nbsp');
    expect(h.headers.get('x-c')).toBe('caf\u00e9 \u0080\u009f');
    expect(h.headers.get('x-d')).toBe('');
  });

  test('connection reuse, Keep-Alive timeout, coding and both framings at once', () => {
    expect(head('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n').keepAlive).toBe(false);
    expect(head('HTTP/1.0 200 OK\r\n\r\n').keepAlive).toBe(false);
    expect(head('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nKeep-Alive: timeout=5, max=100\r\n\r\n')).toMatchObject({ minor: 0, keepAlive: true, keepAliveTimeout: 5 });
    expect(head('HTTP/1.1 200 OK\r\nContent-Encoding: GZIP\r\n\r\n').encoding).toBe('gzip');
    const smuggled = head('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect(smuggled).toMatchObject({ chunked: true, length: -1, keepAlive: false });
    expect(head('HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n').length).toBe(0);
    expect(head('HTTP/1.1 200\r\n\r\n').statusText).toBe('');
  });

  test('malformed heads say what is wrong', () => {
    expect(parseResponseHead('HTTP/2 200 OK\r\n\r\n')).toBe('a status line that is not HTTP/1.x');
    expect(parseResponseHead('garbage\r\n\r\n')).toBe('a status line that is not HTTP/1.x');
    expect(parseResponseHead('HTTP/1.1 999 X\r\n\r\n')).toBe('a status code outside 100–599 (999)');
    expect(parseResponseHead('HTTP/1.1 600 X\r\n\r\n')).toBe('a status code outside 100–599 (600)');
    expect(parseResponseHead('HTTP/1.1 099 X\r\n\r\n')).toBe('a status code outside 100–599 (099)');
    expect(parseResponseHead('HTTP/1.1 599 X\r\n\r\n')).toMatchObject({ status: 599 });
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n')).toBe('a header line without a name');
    expect(parseResponseHead('HTTP/1.1 200 OK\r\n: nameless\r\n\r\n')).toBe('a header line without a name');
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nno colon\r\nX-A: 1\r\n\r\n')).toBe('a header line without a name');
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nBad Name: v\r\n\r\n')).toBe('an invalid header');
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nX-A: a\x00b\r\n\r\n')).toBe('an invalid header');
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n')).toBe('an invalid header');
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n')).toBe('an invalid Content-Length');
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n')).toBe('an invalid Content-Length');
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n')).toBe('a Transfer-Encoding it was not offered (gzip, chunked)');
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n')).toBe('a Transfer-Encoding it was not offered (chunked, chunked)');
  });
});
