import { describe, expect, it } from 'vitest';
import {
  countRemoteImages,
  decodeBase64Utf8,
  mailSrcdoc,
  remoteImageUrls,
  revealRemoteImages,
} from './mail-html';

const html =
  '<p>Ciao</p><img alt="Immagine esterna non caricata" data-remote-src="https://t.example/p.gif?a=1&amp;b=2" />' +
  '<img data-remote-src="javascript:alert(1)" /><img src="data:image/png;base64,AAAA" />';

describe('mail html', () => {
  it('lists the http(s) remote images and reveals only those the core fetched, as data: URLs', () => {
    expect(countRemoteImages(html)).toBe(1);
    expect(remoteImageUrls(html)).toEqual(['https://t.example/p.gif?a=1&b=2']);
    const gif = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
    const out = revealRemoteImages(
      html,
      new Map([
        ['https://t.example/p.gif?a=1&b=2', gif],
        ['javascript:alert(1)', gif],
      ]),
    );
    expect(out).toContain(`src="${gif}"`);
    expect(out).toContain('data-remote-src="javascript:alert(1)"');
    // Whatever the map says, only a data: image URL becomes a src.
    const forged = revealRemoteImages(
      html,
      new Map([['https://t.example/p.gif?a=1&b=2', 'https://x" onerror="']]),
    );
    expect(forged).not.toContain('onerror');
    expect(forged).not.toContain(' src="https://');
  });

  it('the frame never reaches the network: its CSP allows data: images only, with or without remote images', () => {
    const dark = mailSrcdoc(html);
    expect(dark).not.toContain(' src="https://');
    const lit = mailSrcdoc(html, {
      images: new Map([['https://t.example/p.gif?a=1&b=2', 'data:image/gif;base64,AA==']]),
    });
    for (const doc of [dark, lit]) {
      expect(doc).toContain("default-src 'none'");
      expect(doc).toContain('img-src data:;');
      expect(doc).not.toMatch(/img-src[^;]*https?:/);
    }
    expect(lit).toContain(' src="data:image/gif;base64,AA=="');
  });

  it('decodes UTF-8 attachment bytes', () => {
    expect(decodeBase64Utf8(Buffer.from('Città è', 'utf8').toString('base64'))).toBe('Città è');
  });
});
