/**
 * Email HTML made safe to show: no scripts, no event handlers, no styles that can
 * fetch, and no remote image loaded until the clerk asks (tracking pixels stay dark).
 * Remote images become placeholders carrying the original address in
 * `data-remote-src`; `cid:` images point to their attachment through `data-cid`.
 */
import { convert } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';

export const REMOTE_IMAGE_ALT = 'Immagine esterna non caricata';

export function sanitizeMailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [
      ...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'a'),
      'a',
      'img',
      'font',
      'center',
      'span',
      'div',
    ],
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      a: ['href', 'title', 'rel', 'target'],
      img: ['alt', 'title', 'width', 'height', 'data-remote-src', 'data-cid', 'src'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      table: ['border', 'cellpadding', 'cellspacing', 'width'],
      font: ['color', 'size'],
      '*': ['dir', 'lang'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['data'] },
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' },
      }),
      img: (tagName, attribs) => {
        const src = (attribs.src ?? '').trim();
        const out: Record<string, string> = {};
        if (attribs.alt) out.alt = attribs.alt;
        if (attribs.width) out.width = attribs.width;
        if (attribs.height) out.height = attribs.height;
        if (/^cid:/i.test(src)) {
          out['data-cid'] = src.slice(4).replace(/^<|>$/g, '');
        } else if (/^data:image\/(png|jpeg|gif|webp);base64,/i.test(src)) {
          out.src = src;
        } else if (src) {
          out['data-remote-src'] = src;
          out.alt = out.alt ? `${REMOTE_IMAGE_ALT}: ${out.alt}` : REMOTE_IMAGE_ALT;
        }
        return { tagName, attribs: out };
      },
    },
  });
}

export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  }).trim();
}
