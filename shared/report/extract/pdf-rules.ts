/**
 * Ruling lines of a PDF page, read from its operator list: stroked line segments and rectangle edges, and
 * thin filled rectangles (Chromium and some Word exports draw borders as 0.75 pt wide fills). Coordinates
 * are page space (PDF points, y up), with every `cm` and form XObject matrix applied.
 */

/** A horizontal rule at `y` from `x0` to `x1` (x0 < x1), or a vertical one at `x` from `y0` to `y1`. */
export interface HorizontalRule {
  y: number;
  x0: number;
  x1: number;
}
export interface VerticalRule {
  x: number;
  y0: number;
  y1: number;
}

export interface PageRules {
  horizontal: HorizontalRule[];
  vertical: VerticalRule[];
  /** True when the page held more segments than MAX_SEGMENTS (the rest were ignored). */
  truncated: boolean;
}

/** The operator ids this reader needs, from pdfjs's OPS (passed in: this module does not load pdfjs). */
export interface RuleOps {
  save: number;
  restore: number;
  transform: number;
  constructPath: number;
  paintFormXObjectBegin: number;
  paintFormXObjectEnd: number;
  stroke: number;
  closeStroke: number;
  fill: number;
  eoFill: number;
  fillStroke: number;
  eoFillStroke: number;
  closeFillStroke: number;
  closeEOFillStroke: number;
}

/** Segments kept per page at most (a table of 30 × 10 cells draws a few hundred). */
export const MAX_SEGMENTS = 6000;
/** Graphics state nesting kept at most; deeper saves reuse the top matrix. */
const MAX_STATE_DEPTH = 64;
/** A fill thinner than this (points) is a rule, not a shaded area. */
const MAX_RULE_THICKNESS = 3;
/** Shorter segments are tick marks or glyph parts, not table rules. */
const MIN_RULE_LENGTH = 4;
/** Off-axis drift tolerated for a horizontal or vertical segment (points). */
const AXIS_TOLERANCE = 0.6;

// pdfjs DrawOPS: the path data is a flat array of these opcodes followed by their coordinates.
const MOVE_TO = 0;
const LINE_TO = 1;
const CURVE_TO = 2;
const QUAD_TO = 3;
const CLOSE_PATH = 4;

type Matrix = [number, number, number, number, number, number];

function multiply(m: Matrix, n: readonly number[]): Matrix {
  // Result = n × m (n applied first, as PDF's `cm` prepends to the CTM).
  const [a, b, c, d, e, f] = m;
  const [a2, b2, c2, d2, e2, f2] = n as Matrix;
  return [a2 * a + b2 * c, a2 * b + b2 * d, c2 * a + d2 * c, c2 * b + d2 * d, e2 * a + f2 * c + e, e2 * b + f2 * d + f];
}

/** Reads the ruling lines of one page from pdfjs's operator list (`fnArray`/`argsArray`). */
export function collectRules(fnArray: ArrayLike<number>, argsArray: ArrayLike<unknown>, ops: RuleOps): PageRules {
  const out: PageRules = { horizontal: [], vertical: [], truncated: false };
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    if (fn === ops.save) {
      if (stack.length < MAX_STATE_DEPTH) stack.push(ctm);
    } else if (fn === ops.restore) {
      ctm = stack.pop() ?? ctm;
    } else if (fn === ops.transform) {
      const m = argsArray[i] as number[] | null;
      if (Array.isArray(m) && m.length === 6) ctm = multiply(ctm, m);
    } else if (fn === ops.paintFormXObjectBegin) {
      if (stack.length < MAX_STATE_DEPTH) stack.push(ctm);
      const m = (argsArray[i] as unknown[] | null)?.[0] as number[] | null | undefined;
      if (Array.isArray(m) && m.length === 6) ctm = multiply(ctm, m);
    } else if (fn === ops.paintFormXObjectEnd) {
      ctm = stack.pop() ?? ctm;
    } else if (fn === ops.constructPath) {
      const args = argsArray[i] as unknown[] | null;
      if (!args) continue;
      const paint = args[0] as number;
      const data = (args[1] as ArrayLike<number>[] | null)?.[0];
      if (!data) continue;
      const stroked =
        paint === ops.stroke ||
        paint === ops.closeStroke ||
        paint === ops.fillStroke ||
        paint === ops.eoFillStroke ||
        paint === ops.closeFillStroke ||
        paint === ops.closeEOFillStroke;
      const filled = paint === ops.fill || paint === ops.eoFill;
      if (!stroked && !filled) continue;
      readPath(data, ctm, stroked, out);
      if (out.truncated) return out;
    }
  }
  return out;
}

function readPath(data: ArrayLike<number>, ctm: Matrix, stroked: boolean, out: PageRules): void {
  // Points of the current subpath, in page space.
  let xs: number[] = [];
  let ys: number[] = [];
  let closed = false;
  const finish = () => {
    if (xs.length >= 2) {
      if (stroked) strokeSegments(xs, ys, closed, out);
      else fillRule(xs, ys, out);
    }
    xs = [];
    ys = [];
    closed = false;
  };
  const [a, b, c, d, e, f] = ctm;
  for (let i = 0; i < data.length && !out.truncated; ) {
    const op = data[i++];
    if (op === MOVE_TO || op === LINE_TO) {
      const x = data[i++] as number;
      const y = data[i++] as number;
      if (op === MOVE_TO) finish();
      xs.push(a * x + c * y + e);
      ys.push(b * x + d * y + f);
    } else if (op === CURVE_TO || op === QUAD_TO) {
      // A rounded corner or a glyph outline: not a rule; the subpath is not a rectangle either.
      i += op === CURVE_TO ? 6 : 4;
      finish();
    } else if (op === CLOSE_PATH) {
      closed = true;
      finish();
    } else {
      break;
    }
  }
  finish();
}

function strokeSegments(xs: number[], ys: number[], closed: boolean, out: PageRules): void {
  const n = xs.length;
  const edges = closed ? n : n - 1;
  for (let k = 0; k < edges; k++) {
    const j = (k + 1) % n;
    addSegment(xs[k] as number, ys[k] as number, xs[j] as number, ys[j] as number, out);
  }
}

/**
 * A filled subpath whose bounding box is thin and long becomes the rule along its middle: a rectangle, or the
 * bevelled trapezoid Chromium draws for an inset/outset border (`<table border="1">`). Anything wider is a
 * shaded area or a glyph, not a rule.
 */
function fillRule(xs: number[], ys: number[], out: PageRules): void {
  if (xs.length < 3 || xs.length > 6) return;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k] as number;
    const y = ys[k] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const width = maxX - minX;
  const height = maxY - minY;
  if (height <= MAX_RULE_THICKNESS && width >= MIN_RULE_LENGTH && width > height) {
    push(out, 'h', { y: (minY + maxY) / 2, x0: minX, x1: maxX });
  } else if (width <= MAX_RULE_THICKNESS && height >= MIN_RULE_LENGTH && height > width) {
    push(out, 'v', { x: (minX + maxX) / 2, y0: minY, y1: maxY });
  }
}

function addSegment(x0: number, y0: number, x1: number, y1: number, out: PageRules): void {
  const dx = Math.abs(x1 - x0);
  const dy = Math.abs(y1 - y0);
  if (dy < AXIS_TOLERANCE && dx >= MIN_RULE_LENGTH) {
    push(out, 'h', { y: (y0 + y1) / 2, x0: Math.min(x0, x1), x1: Math.max(x0, x1) });
  } else if (dx < AXIS_TOLERANCE && dy >= MIN_RULE_LENGTH) {
    push(out, 'v', { x: (x0 + x1) / 2, y0: Math.min(y0, y1), y1: Math.max(y0, y1) });
  }
}

function push(out: PageRules, kind: 'h', rule: HorizontalRule): void;
function push(out: PageRules, kind: 'v', rule: VerticalRule): void;
function push(out: PageRules, kind: 'h' | 'v', rule: HorizontalRule | VerticalRule): void {
  if (out.horizontal.length + out.vertical.length >= MAX_SEGMENTS) {
    out.truncated = true;
    return;
  }
  if (kind === 'h') out.horizontal.push(rule as HorizontalRule);
  else out.vertical.push(rule as VerticalRule);
}
