import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_START_URL,
  CONTENT_SECURITY_POLICY,
  appResponseHeaders,
  isAllowedExternalUrl,
  isAppUrl,
  mimeTypeFor,
  resolveAppRequest,
  resolveDataDir,
} from './paths';

const root = path.resolve('/srv/app/dist/renderer');

describe('resolveDataDir', () => {
  it('uses <userData>/data by default', () => {
    expect(resolveDataDir({}, '/home/anna/.config/Sportello')).toBe(
      path.join('/home/anna/.config/Sportello', 'data'),
    );
  });

  it('lets SPORTELLO_DATA_DIR override it, resolved to an absolute path', () => {
    expect(resolveDataDir({ SPORTELLO_DATA_DIR: 'tmp/dati' }, '/x')).toBe(path.resolve('tmp/dati'));
  });

  it('ignores a blank override', () => {
    expect(resolveDataDir({ SPORTELLO_DATA_DIR: '  ' }, '/x')).toBe(path.join('/x', 'data'));
  });
});

describe('resolveAppRequest', () => {
  it('serves index.html for the root', () => {
    expect(resolveAppRequest(root, 'app://sportello/')).toEqual({
      kind: 'file',
      filePath: path.join(root, 'index.html'),
    });
  });

  it('serves nested assets, ignoring query and hash', () => {
    expect(resolveAppRequest(root, 'app://sportello/assets/index-abc.js?v=1#x')).toEqual({
      kind: 'file',
      filePath: path.join(root, 'assets', 'index-abc.js'),
    });
  });

  it('decodes percent-encoded names', () => {
    expect(resolveAppRequest(root, 'app://sportello/img/logo%20comune.png')).toEqual({
      kind: 'file',
      filePath: path.join(root, 'img', 'logo comune.png'),
    });
  });

  it.each([
    'app://sportello/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://sportello/..%2f..%2fsecret',
    'app://sportello/..%5c..%5csecret',
    'app://sportello/assets\\..\\..\\secret',
    'app://sportello/%00index.html',
    'app://sportello/%E0%A4%A',
    'app://evil/index.html',
    'file:///etc/passwd',
    'https://sportello/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppRequest(root, url)).toEqual({ kind: 'forbidden' });
  });

  it('clamps literal dot segments at the root (the URL parser normalises them)', () => {
    for (const url of ['app://sportello/../../etc/passwd', 'app://sportello/%2e%2e/%2e%2e/etc/passwd']) {
      expect(resolveAppRequest(root, url)).toEqual({
        kind: 'file',
        filePath: path.join(root, 'etc', 'passwd'),
      });
    }
  });

  it('never resolves outside the root, whatever the input', () => {
    const inputs = ['a/../../b', '%2e%2e', '.%2e/x', 'x/%2e%2e/%2e%2e/y', '//etc/passwd', '/./../x'];
    for (const input of inputs) {
      const result = resolveAppRequest(root, `app://sportello/${input}`);
      if (result.kind === 'file') {
        expect(result.filePath.startsWith(root + path.sep)).toBe(true);
      }
    }
  });
});

describe('isAppUrl', () => {
  it('accepts the app origin only', () => {
    expect(isAppUrl(APP_START_URL)).toBe(true);
    expect(isAppUrl('app://sportello/#/segnalazioni/1')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('https://sportello/index.html')).toBe(false);
    expect(isAppUrl('file:///index.html')).toBe(false);
    expect(isAppUrl('')).toBe(false);
  });
});

describe('isAllowedExternalUrl', () => {
  it.each(['https://www.comune.example.it/', 'http://example.org/a?b=c', 'mailto:ufficio@comune.example.it'])(
    'allows %s',
    (url) => expect(isAllowedExternalUrl(url)).toBe(true),
  );

  it.each([
    'file:///C:/Windows/System32/calc.exe',
    'javascript:alert(1)',
    'smb://server/share',
    'ms-msdt:/id',
    'app://sportello/index.html',
    'https://comune.it@evil.example/',
    'data:text/html,<script>1</script>',
    'nonsense',
  ])('refuses %s', (url) => expect(isAllowedExternalUrl(url)).toBe(false));
});

describe('response headers', () => {
  it('carry the strict CSP and a content type', () => {
    const headers = appResponseHeaders('/x/index.html');
    expect(headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    for (const directive of [
      "default-src 'self'",
      "img-src 'self' data: blob:",
      "style-src 'self' 'unsafe-inline'",
      "object-src 'none'",
      "base-uri 'none'",
    ]) {
      expect(CONTENT_SECURITY_POLICY).toContain(directive);
    }
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it('maps unknown extensions to octet-stream', () => {
    expect(mimeTypeFor('a/b.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeFor('a/b.weird')).toBe('application/octet-stream');
  });
});
