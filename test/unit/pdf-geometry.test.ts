// The PDF geometry readers on hand-made operator lists and text items: ruling lines with the CTM applied,
// thin fills as rules, merged cells from missing rules, wrapped cell text joined, blank cells blank, and
// whitespace items (pdfjs emits them across cell gaps) never joining or creating cells.
import { describe, expect, it } from 'vitest';
import { collectRules, MAX_SEGMENTS, type RuleOps } from '../../shared/report/extract/pdf-rules.ts';
import { layoutPage, type PdfTextItem } from '../../shared/report/extract/pdf-tables.ts';

const OPS: RuleOps = {
  save: 10,
  restore: 11,
  transform: 12,
  constructPath: 91,
  paintFormXObjectBegin: 74,
  paintFormXObjectEnd: 75,
  stroke: 20,
  closeStroke: 21,
  fill: 22,
  eoFill: 23,
  fillStroke: 24,
  eoFillStroke: 25,
  closeFillStroke: 26,
  closeEOFillStroke: 27,
};
const MOVE = 0;
const LINE = 1;
const CLOSE = 4;

/** An operator list drawing `paths` (flat DrawOPS arrays) with `paint`, after a y-flipping transform. */
function opList(paths: number[][], paint = OPS.stroke, flip = true) {
  const fnArray: number[] = [];
  const argsArray: unknown[] = [];
  if (flip) {
    fnArray.push(OPS.transform);
    argsArray.push([1, 0, 0, -1, 0, 800]);
  }
  for (const path of paths) {
    fnArray.push(OPS.constructPath);
    argsArray.push([paint, [new Float32Array(path)], null]);
  }
  return { fnArray, argsArray };
}

/** Strokes of a grid: horizontal rules at `ys`, vertical ones at `xs`, in page space (y up), minus `skip`. */
function gridRules(
  xs: number[],
  ys: number[],
  skipVertical: (x: number, y0: number, y1: number) => boolean = () => false,
) {
  const paths: number[][] = [];
  for (const y of ys) paths.push([MOVE, xs[0] as number, y, LINE, xs[xs.length - 1] as number, y]);
  const sorted = ys.slice().sort((a, b) => b - a);
  for (const x of xs) {
    for (let k = 0; k + 1 < sorted.length; k++) {
      const y0 = sorted[k + 1] as number;
      const y1 = sorted[k] as number;
      if (!skipVertical(x, y0, y1)) paths.push([MOVE, x, y0, LINE, x, y1]);
    }
  }
  return collectRules(...(Object.values(opList(paths, OPS.stroke, false)) as [number[], unknown[]]), OPS);
}

const item = (str: string, x: number, y: number, width = str.length * 8, size = 8): PdfTextItem => ({
  str,
  x,
  y,
  width,
  size,
});

describe('collectRules', () => {
  it('applies the transform, splits rectangles into edges and keeps only axis-aligned segments', () => {
    const { fnArray, argsArray } = opList([
      [MOVE, 10, 100, LINE, 200, 100],
      [MOVE, 10, 100, LINE, 10, 300],
      [MOVE, 0, 0, LINE, 50, 50],
      [MOVE, 20, 20, LINE, 60, 20, LINE, 60, 40, LINE, 20, 40, CLOSE],
    ]);
    const rules = collectRules(fnArray, argsArray, OPS);
    expect(rules.horizontal).toContainEqual({ y: 700, x0: 10, x1: 200 });
    expect(rules.vertical).toContainEqual({ x: 10, y0: 500, y1: 700 });
    expect(rules.horizontal).toHaveLength(3);
    expect(rules.vertical).toHaveLength(3);
  });

  it('reads thin filled rectangles as rules and ignores shaded areas', () => {
    const { fnArray, argsArray } = opList(
      [
        [MOVE, 10, 100, LINE, 200, 100, LINE, 200, 101, LINE, 10, 101, CLOSE],
        [MOVE, 10, 100, LINE, 11, 100, LINE, 11, 300, LINE, 10, 300, CLOSE],
        [MOVE, 10, 100, LINE, 200, 100, LINE, 200, 300, LINE, 10, 300, CLOSE],
      ],
      OPS.fill,
      false,
    );
    const rules = collectRules(fnArray, argsArray, OPS);
    expect(rules.horizontal).toEqual([{ y: 100.5, x0: 10, x1: 200 }]);
    expect(rules.vertical).toEqual([{ x: 10.5, y0: 100, y1: 300 }]);
  });

  it('stops at MAX_SEGMENTS and says so', () => {
    const paths = Array.from({ length: MAX_SEGMENTS + 10 }, (_, i) => [MOVE, 0, i, LINE, 100, i]);
    const { fnArray, argsArray } = opList(paths, OPS.stroke, false);
    const rules = collectRules(fnArray, argsArray, OPS);
    expect(rules.truncated).toBe(true);
    expect(rules.horizontal.length).toBe(MAX_SEGMENTS);
  });
});

describe('layoutPage', () => {
  // Three columns (label, A, B), a header row and two data rows; page space, y up.
  const xs = [50, 150, 200, 250];
  const ys = [500, 470, 450, 430];

  it('places items in cells, joins wrapped text, keeps a blank cell blank, and ignores whitespace items', () => {
    const rules = gridRules(xs, ys);
    const items = [
      item('商业企', 155, 488),
      item('业', 155, 476),
      item('科研', 205, 480),
      item('本年新收', 55, 456),
      item(' ', 87, 456, 160, 0),
      item('12', 170, 456, 10),
      item('3', 220, 456, 5),
      item('上年结转', 55, 436),
      item('7', 220, 436, 5),
      item('正文', 55, 600),
    ];
    const { tables, loose } = layoutPage(items, rules);
    expect(loose.map((i) => i.str)).toEqual(['正文']);
    expect(tables).toHaveLength(1);
    const texts = tables[0]?.grid.map((row) => row.map((slot) => slot?.text));
    expect(texts).toEqual([
      ['', '商业企业', '科研'],
      ['本年新收', '12', '3'],
      ['上年结转', '', '7'],
    ]);
  });

  it('a missing rule merges two grid cells into one spanning cell', () => {
    // No vertical rule between A and B in the header row: one header cell over both columns.
    const rules = gridRules(xs, ys, (x, y0) => x === 200 && y0 === 470);
    const items = [item('法人或其他组织', 160, 480, 70), item('1', 170, 456, 5), item('2', 220, 456, 5)];
    const { tables } = layoutPage(items, rules);
    const header = tables[0]?.grid[0];
    expect(header?.[1]).toEqual({ text: '法人或其他组织', origin: true, vertical: false });
    expect(header?.[2]).toEqual({ text: '法人或其他组织', origin: false, vertical: false });
  });

  it('a label run drawn as one item across columns is cut at its spaces', () => {
    const rules = gridRules(xs, ys);
    const items = [item('规章 1 0', 55, 456, 185)];
    const { tables } = layoutPage(items, rules);
    expect(tables[0]?.grid.map((row) => row.map((slot) => slot?.text))).toEqual([['规章', '1', '0']]);
  });
});
