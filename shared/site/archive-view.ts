/**
 * The read-only viewer page of an archived HTML original: the decoded page inside an iframe with an
 * empty `sandbox` (no scripts, no forms, no same-origin access, no navigation of the top page), under
 * the site's own CSP (script-src 'none', which a srcdoc frame inherits). Works from file:// as well as
 * a server. The raw bytes stay unchanged in raw/; a download link is kept.
 */

import type { SnapshotMeta } from '../storage/records.ts';
import { decodeBody } from '../text/charset.ts';
import { escapeHtml, hrefPath, upPath } from './html.ts';
import { beijingTime, renderPage } from './layout.ts';
import { agencyPagePath } from './paths.ts';

/** Larger originals are not previewed (the page would be huge); the download link remains. */
export const MAX_PREVIEW_BYTES = 4 * 1024 * 1024;

export interface ArchiveViewInput {
  agency: { id: string; name: string };
  rawKey: string;
  bytes: Uint8Array;
  meta?: SnapshotMeta;
  generatedAt: string;
}

/** Renders site/archive/{year}/{agency}/{sha256}.html (depth 3). */
export function renderArchiveViewer(input: ArchiveViewInput): string {
  const { agency, rawKey, bytes, meta } = input;
  const depth = 3;
  const preview =
    bytes.byteLength > MAX_PREVIEW_BYTES
      ? `<p class="muted">原件较大（${Math.round(bytes.byteLength / 1024 / 1024)} MB），不在此预览，请下载后查看。</p>`
      : `<iframe class="archive-frame" sandbox="" referrerpolicy="no-referrer" title="存档原件预览" style="width:100%;height:80vh;border:1px solid #cbd2d9" srcdoc="${escapeHtml(
          decodeBody(bytes, meta?.contentType, meta?.charset).text,
        )}"></iframe>`;
  const body = `<h1>存档原件（只读预览）</h1>
<p><a href="${upPath(depth)}${hrefPath(agencyPagePath(agency.id))}">${escapeHtml(agency.name)}</a> · 抓取于 ${escapeHtml(beijingTime(meta?.fetchedAt))}${meta?.url ? ` · 来源地址 <span class="mono">${escapeHtml(meta.url)}</span>` : ''}</p>
<p class="muted">这是机关网站页面的存档副本，在隔离框中显示，其中的脚本和表单均已禁用。原始字节未作改动，保存在存储中的 <span class="mono">${escapeHtml(rawKey)}</span>（请勿直接用浏览器打开该文件：其中的脚本会运行）。</p>
${preview}`;
  return renderPage({ title: '存档原件预览', depth, body, generatedAt: input.generatedAt });
}
