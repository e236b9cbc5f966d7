/**
 * One colour per status, for every place that shows one: the email's badges, the site's badges
 * (generated CSS classes), its weekly chart and the evaluation's charts. Text colour `fg` on `bg`
 * meets WCAG AA (4.5:1) for badge text.
 */
import type { ComplianceStatus } from './status.ts';

export interface StatusColor {
  fg: string;
  bg: string;
}

export const STATUS_COLORS: Record<ComplianceStatus, StatusColor> = {
  missing: { fg: '#ffffff', bg: '#b42318' },
  late: { fg: '#ffffff', bg: '#c4320a' },
  inconsistent: { fg: '#ffffff', bg: '#7a2e0e' },
  unparseable: { fg: '#1d2939', bg: '#fedf89' },
  unreachable: { fg: '#1d2939', bg: '#d0d5dd' },
  'address-broken': { fg: '#ffffff', bg: '#a04000' },
  blocked: { fg: '#ffffff', bg: '#5d6d7e' },
  pending: { fg: '#1d2939', bg: '#b2ddff' },
  'on-time': { fg: '#ffffff', bg: '#067647' },
};

/** Not assessed yet (no status). */
export const NOT_ASSESSED_COLOR: StatusColor = { fg: '#1d2939', bg: '#eaecf0' };

/** The colour of a status; a status this table does not know yet gets the neutral one. */
export function statusColor(status: string | null | undefined): StatusColor {
  return (status ? STATUS_COLORS[status as ComplianceStatus] : undefined) ?? NOT_ASSESSED_COLOR;
}

/**
 * `.status-{id}` badge classes and `.status-note-{id}` note borders for the site's stylesheet,
 * generated from the table above.
 */
export function statusBadgeCss(): string {
  const rules = Object.entries(STATUS_COLORS).flatMap(([status, color]) => [
    `.status-${status} { background: ${color.bg}; color: ${color.fg}; }`,
    `.status-note-${status} { border-color: ${color.bg}; }`,
  ]);
  rules.push(`.status-none { background: ${NOT_ASSESSED_COLOR.bg}; color: ${NOT_ASSESSED_COLOR.fg}; }`);
  return `${rules.join('\n')}\n`;
}
