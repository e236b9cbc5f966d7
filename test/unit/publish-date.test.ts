import { describe, expect, it } from 'vitest';
import { dateFromPageText, dateFromUrl, resolvePublishDate, toBeijingIso } from '../../shared/fetch/publish-date.ts';

describe('date reading', () => {
  it('reads Chinese-site formats as Beijing time', () => {
    expect(toBeijingIso('2024-01-26 10:30')).toBe('2024-01-26T10:30:00+08:00');
    expect(toBeijingIso('2024-01-26 10:30:05')).toBe('2024-01-26T10:30:05+08:00');
    expect(toBeijingIso('2024年1月26日')).toBe('2024-01-26T00:00:00+08:00');
    expect(toBeijingIso('2024/01/26')).toBe('2024-01-26T00:00:00+08:00');
    expect(toBeijingIso('Fri, 26 Jan 2024 02:30:00 GMT')).toBe('2024-01-26T10:30:00+08:00');
    expect(toBeijingIso('2024-02-30')).toBeNull();
    expect(toBeijingIso('')).toBeNull();
  });

  it('finds dates in TRS and Hanweb URLs and in page text', () => {
    expect(dateFromUrl('http://x/gk/202401/t20240126_123456.html')).toBe('2024-01-26');
    expect(dateFromUrl('http://x/art/2024/1/6/art_123_4567.html')).toBe('2024-01-06');
    expect(dateFromUrl('http://x/a/b.html')).toBeNull();
    expect(dateFromPageText('来源：本站  发布时间：2024-01-26 09:00  浏览次数')).toBe('2024-01-26 09:00');
    expect(dateFromPageText('发布日期:2024年1月26日')).toBe('2024年1月26日');
  });
});

describe('publish date order', () => {
  it('takes the header table before the meta, keeps the rest and flags a disagreement', () => {
    const result = resolvePublishDate({
      headerTable: '2024年1月26日',
      metaPubDate: '2024-01-28 10:00',
      url: '2024-01-26',
      lastModified: 'Sat, 27 Jan 2024 00:00:00 GMT',
      firstSeen: '2024-03-01T00:00:00+08:00',
      extra: [{ source: '成文日期', value: '2024-01-20' }],
    });
    expect(result.source).toBe('header-table');
    expect(result.publishDate).toBe('2024-01-26T00:00:00+08:00');
    expect(result.disagreement).toBe(true);
    expect(result.otherDates).toContainEqual({ source: 'meta-pubdate', value: '2024-01-28T10:00:00+08:00' });
    expect(result.otherDates).toContainEqual({ source: '成文日期', value: '2024-01-20T00:00:00+08:00' });
  });

  it('falls through to Last-Modified and then first-seen; no disagreement from server dates', () => {
    const lm = resolvePublishDate({
      lastModified: 'Fri, 26 Jan 2024 02:30:00 GMT',
      firstSeen: '2024-03-01T00:00:00+08:00',
    });
    expect(lm.source).toBe('last-modified');
    expect(lm.disagreement).toBe(false);
    const seen = resolvePublishDate({ metaPubDate: 'garbage', firstSeen: '2024-03-01T00:00:00+08:00' });
    expect(seen.source).toBe('first-seen');
    expect(seen.publishDate).toBe('2024-03-01T00:00:00+08:00');
  });
});
