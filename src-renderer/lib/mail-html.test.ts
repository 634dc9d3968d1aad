import { describe, expect, it } from 'vitest';
import { countRemoteImages, decodeBase64Utf8, mailSrcdoc, revealRemoteImages } from './mail-html';

const html =
  '<p>Ciao</p><img alt="Immagine esterna non caricata" data-remote-src="https://t.example/p.gif?a=1&amp;b=2" />' +
  '<img data-remote-src="javascript:alert(1)" /><img src="data:image/png;base64,AAAA" />';

describe('mail html', () => {
  it('counts and reveals only http(s) remote images', () => {
    expect(countRemoteImages(html)).toBe(1);
    const out = revealRemoteImages(html);
    expect(out).toContain('src="https://t.example/p.gif?a=1&amp;b=2"');
    expect(out).toContain('data-remote-src="javascript:alert(1)"');
    expect(out).not.toContain(' src="javascript');
  });

  it('keeps remote images dark until asked, by markup and by CSP', () => {
    const dark = mailSrcdoc(html, { remoteImages: false });
    expect(dark).toContain('img-src data:;');
    expect(dark).not.toContain(' src="https://');
    const lit = mailSrcdoc(html, { remoteImages: true });
    expect(lit).toContain('img-src data: https: http:');
    expect(lit).toContain(' src="https://t.example/p.gif');
    expect(dark).toContain("default-src 'none'");
  });

  it('decodes UTF-8 attachment bytes', () => {
    expect(decodeBase64Utf8(Buffer.from('Città è', 'utf8').toString('base64'))).toBe('Città è');
  });
});
