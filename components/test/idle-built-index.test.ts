import { describe, expect, it } from 'vitest';
import { IdleBuiltIndex } from '../src/core/records/idle-built-index.ts';

/** An index that copies a map of records, one record per build step; `midway` runs after the first step. */
function copyingIndex(source: Map<string, number>, midway: (index: IdleBuiltIndex<Map<string, number>>) => void = () => {}) {
  const index: IdleBuiltIndex<Map<string, number>> = new IdleBuiltIndex(
    function* () {
      const copy = new Map<string, number>();
      let first = true;
      for (const id of [...source.keys()]) {
        if (source.has(id)) copy.set(id, source.get(id)!);
        yield;
        if (first) midway(index);
        first = false;
      }
      return copy;
    },
    (copy, id) => (source.has(id) ? copy.set(id, source.get(id)!) : copy.delete(id)),
  );
  return index;
}

describe('an index built in idle time', () => {
  it('builds completely in idle slices', async () => {
    const source = new Map([['a', 1], ['b', 2], ['c', 3]]);
    const index = copyingIndex(source);
    await index.buildWhenIdle();
    expect(index.get()).toEqual(source);
  });

  it('builds promptly when asked to, and a build in idle slices under way ends with it', async () => {
    const source = new Map([['a', 1], ['b', 2], ['c', 3]]);
    const index = copyingIndex(source);
    const idleBuild = index.buildWhenIdle();
    await index.buildPromptly();
    expect(index.get()).toEqual(source);
    await idleBuild;
  });

  it('finishes the build on the spot for a query that comes before idle time', () => {
    const source = new Map([['a', 1], ['b', 2]]);
    const index = copyingIndex(source);
    void index.buildWhenIdle();
    expect(index.get()).toEqual(source);
  });

  it('brings records changed while it was being built up to date once built', async () => {
    const source = new Map([['a', 1], ['b', 2], ['c', 3]]);
    const index = copyingIndex(source, (building) => {
      source.set('a', 10);
      source.delete('c');
      source.set('d', 4);
      building.recordsChanged(['a', 'c', 'd']);
    });
    await index.buildWhenIdle();
    expect(index.get()).toEqual(new Map([['a', 10], ['b', 2], ['d', 4]]));
  });

  it('follows changes record by record once built', async () => {
    const source = new Map([['a', 1]]);
    const index = copyingIndex(source);
    await index.buildWhenIdle();
    source.set('b', 2);
    index.recordsChanged(['b']);
    expect(index.get()).toEqual(source);
  });
});
