/** Regex helpers for the rules' hot paths. */

/**
 * Every match of a global regex in `text`, like `[...text.matchAll(pattern)]` without the copy of the
 * regex that matchAll makes on each call (the rules run it per line of every report). The regex's
 * lastIndex is left at 0; zero-length matches advance by one, as matchAll does.
 */
export function allMatches(pattern: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  pattern.lastIndex = 0;
  try {
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      out.push(match);
      if (match[0].length === 0) pattern.lastIndex++;
    }
  } finally {
    pattern.lastIndex = 0;
  }
  return out;
}
