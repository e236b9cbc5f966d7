/**
 * Recognising anti-bot front ends (瑞数 Ruishu `$_ts` + HTTP 412, 加速乐 `__jsl_clearance` + 521,
 * Aliyun `acw_sc__v2`, 创宇盾 `wzws`, 云锁, 安全狗, Cloudflare challenges, F5 TSPD). A plain client
 * cannot pass them; the page is blocked, not missing.
 */

/** Markers that only appear in challenge pages (checked in bodies up to 256 KB). */
const STRONG_MARKERS: [RegExp, string][] = [
  [/\$_ts\s*=|\$_ts\b/, '$_ts（瑞数）'],
  [/__jsl_clearance/, '__jsl_clearance（加速乐）'],
  [/acw_sc__v2|var\s+arg1\s*=\s*'[0-9A-F]{20,}'/, 'acw_sc__v2（阿里云）'],
  [/wzws_cid|wzwschallenge|wzwstemplate/i, 'wzws（创宇盾）'],
  [/yunsuo_session_verify/, 'yunsuo_session_verify（云锁）'],
  [/safedog-flow-item|waf\.safedog|安全狗/i, 'safedog（安全狗）'],
  [/cf_chl_opt|cf-chl-bypass|challenge-platform/i, 'Cloudflare challenge'],
  [/\/TSPD\/[0-9a-f]{20,}/i, 'TSPD（F5）'],
];

/** ASCII (or UTF-8) substrings, one of which every STRONG_MARKERS match contains. */
const NEEDLES = [
  '$_ts',
  '__jsl_clearance',
  'acw_sc__v2',
  "arg1='",
  'wzws',
  'WZWS',
  'yunsuo_session_verify',
  'safedog',
  'SafeDog',
  'Safedog',
  '安全狗',
  'cf_chl_opt',
  'cf-chl-bypass',
  'challenge-platform',
  'CF_CHL',
  '/TSPD/',
  '/tspd/',
].map((needle) => Buffer.from(needle, 'utf8'));

const SMALL_BODY = 64 * 1024;

export interface AntiBotInput {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * A short description of the anti-bot marker found, or null. HTTP 412 is treated as a challenge by
 * itself (no government page answers 412 otherwise); 200/202/403/405/503/521 answers count when a
 * small body carries a known marker.
 */
export function looksLikeAntiBot(response: AntiBotInput): string | null {
  const { status, body } = response;
  // Only 412/521 challenges can be large; anything else must be small to count (cheap exit for PDFs).
  if (
    status !== 412 &&
    status !== 521 &&
    (body.byteLength > SMALL_BODY || ![200, 202, 403, 405, 503].includes(status))
  ) {
    return null;
  }
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 256 * 1024));
  // Cheap native byte search first; decode and run the patterns only when a needle is present.
  const marker = NEEDLES.some((needle) => head.includes(needle))
    ? STRONG_MARKERS.find(([pattern]) => pattern.test(new TextDecoder('utf-8').decode(head)))?.[1]
    : undefined;
  if (status === 412) return marker ?? 'HTTP 412';
  if (status === 521 && marker) return marker;
  if (![200, 202, 403, 405, 503].includes(status)) return null;
  if (marker && body.byteLength <= SMALL_BODY) return marker;
  const setCookie = response.headers['set-cookie'] ?? '';
  if (
    status !== 200 &&
    /\b(FSSBBIl1UgzbN7N\w*|__jsluid_\w+|acw_tc|wzws_\w+)=/.test(setCookie) &&
    body.byteLength <= SMALL_BODY
  ) {
    return 'anti-bot cookie';
  }
  return null;
}
