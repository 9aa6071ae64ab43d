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
