/**
 * Lanes for bars that span columns (all-day events across a week, a month row's events): each bar takes the
 * first lane free over all its columns, so that a multi-day bar keeps one line across the days it covers.
 * Bars are taken in the order given; callers put longer and earlier ones first.
 */
export interface ColumnSpan {
  firstColumn: number;
  lastColumn: number;
}

/** The lane of each span, in the order given. */
export function assignLanes(spans: readonly ColumnSpan[], columns: number): number[] {
  // taken[lane][column]
  const taken: boolean[][] = [];
  return spans.map(({ firstColumn, lastColumn }) => {
    let lane = 0;
    for (; ; lane++) {
      const row = (taken[lane] ??= new Array<boolean>(columns).fill(false));
      let free = true;
      for (let column = firstColumn; column <= lastColumn && free; column++) free = !row[column];
      if (free) {
        for (let column = firstColumn; column <= lastColumn; column++) row[column] = true;
        return lane;
      }
    }
  });
}

export interface CappedLanes {
  /** Per span, in the order given: whether it is shown. */
  shown: boolean[];
  /** Per column: how many spans covering it are not shown. */
  hidden: number[];
}

/**
 * Shows at most `lines` lines per column: a column whose spans all fit shows them all; a fuller one gives its last
 * line to `+N more`, N counting every span of that column left out. A span is shown only where it fits in every
 * column it covers, so that a multi-day bar is never cut short.
 */
export function capLanes(spans: readonly ColumnSpan[], lanes: readonly number[], columns: number, lines: number): CappedLanes {
  const perColumn = new Array<number>(columns).fill(0);
  for (const span of spans) for (let column = span.firstColumn; column <= span.lastColumn; column++) perColumn[column]!++;
  const linesFor = (column: number) => (perColumn[column]! <= lines ? lines : lines - 1);
  const shownIn = new Array<number>(columns).fill(0);
  const shown = spans.map((span, index) => {
    const lane = lanes[index]!;
    for (let column = span.firstColumn; column <= span.lastColumn; column++) if (lane >= linesFor(column)) return false;
    for (let column = span.firstColumn; column <= span.lastColumn; column++) shownIn[column]!++;
    return true;
  });
  return { shown, hidden: perColumn.map((count, column) => count - shownIn[column]!) };
}
