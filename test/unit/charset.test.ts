import { describe, expect, it } from 'vitest';
import { canonicalCharset, charsetFromContentType, charsetFromMarkup, decodeBody } from '../../shared/text/charset.ts';
import { encodeGbk } from '../support/gbk.ts';

const TITLE = '卢氏县人民政府2024年政府信息公开工作年度报告';
const utf8 = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));

describe('test GBK encoder', () => {
  it('matches known GBK code points', () => {
    expect([...encodeGbk('中文')]).toEqual([0xd6, 0xd0, 0xce, 0xc4]);
    expect([...encodeGbk('年报A')]).toEqual([0xc4, 0xea, 0xb1, 0xa8, 0x41]);
  });
});

describe('decodeBody', () => {
  const gbkPage = (head: string) =>
    encodeGbk(`<html><head>${head}<title>${TITLE}</title></head><body>公开</body></html>`);

  it('decodes GBK by the Content-Type charset, gb2312 and gbk labels as gb18030', () => {
    for (const label of ['gbk', 'GB2312', 'gb18030', '"gbk"']) {
      const decoded = decodeBody(gbkPage(''), `text/html; charset=${label}`);
      expect(decoded.text).toContain(TITLE);
      expect(decoded.charset).toBe('gb18030');
      expect(decoded.source).toBe('header');
      expect(decoded.suspect).toBe(false);
    }
  });

  it('reads <meta charset> and <meta http-equiv> in either attribute order', () => {
    const heads = [
      '<meta charset="gbk">',
      '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
      "<META content='text/html; charset=GB2312' http-equiv='Content-Type'>",
    ];
    for (const head of heads) {
      const decoded = decodeBody(gbkPage(head), 'text/html');
      expect(decoded).toMatchObject({ charset: 'gb18030', source: 'meta', suspect: false });
      expect(decoded.text).toContain(TITLE);
    }
  });

  it('reads the XML declaration (Hanweb datastores)', () => {
    const bytes = encodeGbk(`<?xml version="1.0" encoding="GBK"?><datastore><record>${TITLE}</record></datastore>`);
    expect(decodeBody(bytes).text).toContain(TITLE);
    expect(decodeBody(bytes).source).toBe('meta');
  });

  it('detects undeclared UTF-8, then falls back to GB18030', () => {
    expect(decodeBody(utf8(`<p>${TITLE}</p>`))).toMatchObject({
      charset: 'utf-8',
      source: 'utf8-valid',
      suspect: false,
    });
    const gbk = decodeBody(encodeGbk(`<p>${TITLE}</p>`));
    expect(gbk).toMatchObject({ charset: 'gb18030', source: 'fallback', suspect: false });
    expect(gbk.text).toBe(`<p>${TITLE}</p>`);
  });

  it('lets an override win over everything, even when wrong', () => {
    const decoded = decodeBody(utf8(TITLE), 'text/html; charset=utf-8', 'gbk');
    expect(decoded.source).toBe('override');
    expect(decoded.charset).toBe('gb18030');
    expect(decoded.text).not.toContain(TITLE);
  });

  it('honours a BOM before the header and strips it', () => {
    const withBom = concat(Uint8Array.of(0xef, 0xbb, 0xbf), utf8(TITLE));
    expect(decodeBody(withBom, 'text/html; charset=gbk')).toMatchObject({
      text: TITLE,
      charset: 'utf-8',
      source: 'bom',
    });
    const utf16 = Uint8Array.of(0xff, 0xfe, 0x2d, 0x4e, 0x87, 0x65); // "中文" UTF-16LE
    expect(decodeBody(utf16).text).toBe('中文');
  });

  it('ignores a Latin-1 header (server default) and uses the meta or the bytes', () => {
    const decoded = decodeBody(gbkPage(''), 'text/html; charset=ISO-8859-1');
    expect(decoded.text).toContain(TITLE);
    expect(decoded.charset).toBe('gb18030');
  });

  it('gives way when the declared charset does not fit the bytes', () => {
    // A GBK page copied from a UTF-8 template keeps <meta charset="utf-8">.
    const decoded = decodeBody(gbkPage('<meta charset="utf-8">'));
    expect(decoded.text).toContain(TITLE);
    expect(decoded).toMatchObject({ charset: 'gb18030', declared: 'utf-8', suspect: false });
  });

  it('flags replacement characters as suspect', () => {
    // Truncated in the middle of a multi-byte character and invalid everywhere.
    const broken = concat(utf8('年度报告'), Uint8Array.of(0xff, 0xff, 0xff));
    const decoded = decodeBody(broken, 'text/html; charset=utf-8');
    expect(decoded.suspect).toBe(true);
    expect(decoded.text).toContain('\uFFFD');
  });

  it('parses labels', () => {
    expect(charsetFromContentType('text/html;charset="GB2312"')).toBe('GB2312');
    expect(charsetFromContentType('text/html')).toBeUndefined();
    expect(charsetFromMarkup(utf8('<meta charset=utf-8 />'))).toBe('utf-8');
    expect(charsetFromMarkup(utf8(`${' '.repeat(5000)}<meta charset="gbk">`))).toBeUndefined();
    expect(canonicalCharset('GBK')).toBe('gb18030');
    expect(canonicalCharset('utf8')).toBe('utf-8');
    expect(canonicalCharset('klingon')).toBeUndefined();
  });
});
