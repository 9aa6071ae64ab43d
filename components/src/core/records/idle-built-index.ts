/**
 * An index over a store's records (contact search, event times) that is ready before anyone asks: opening an org
 * starts building it in idle slices, and from then on it follows every change record by record. A query that
 * comes before the build has finished completes it on the spot, so results never depend on timing.
 */
import { IDLE_SLICE_MS, runInIdleSlices, yieldToMainThread, type SlicedWork } from './idle-work.ts';

/** Records a build step handles; small enough (well under a millisecond) that a slice ends close to its deadline. */
const RECORDS_PER_STEP = 100;

/** Visits each id, one step of RECORDS_PER_STEP at a time. */
export function* inSteps(ids: readonly string[], visit: (id: string) => void): Generator<void> {
  for (let start = 0; start < ids.length; start += RECORDS_PER_STEP) {
    for (const id of ids.slice(start, start + RECORDS_PER_STEP)) visit(id);
    yield;
  }
}

/** Builds an index, yielding between small batches of records so that it can run in idle slices. */
export type IndexBuild<Index> = () => Generator<void, Index>;

export class IdleBuiltIndex<Index> {
  #index: Index | undefined;
  #build: Generator<void, Index> | undefined;
  #sliced: SlicedWork | undefined;
  /** Records changed while the build was under way, brought up to date once it has finished. */
  readonly #changedDuringBuild = new Set<string>();

  constructor(
    private readonly build: IndexBuild<Index>,
    private readonly updateRecord: (index: Index, id: string) => void,
  ) {}

  /** Starts building in idle slices, unless built or under way; resolves once built. */
  buildWhenIdle(): Promise<void> {
    if (this.#index) return Promise.resolve();
    if (!this.#sliced) {
      const build = this.#started();
      this.#sliced = runInIdleSlices({ next: () => this.#step(build) });
    }
    return this.#sliced.done;
  }

  /**
   * Builds in slices that yield to the main thread without waiting for idle time, for an index that the first
   * view queries at once (a query finding none builds it in one task); resolves once built.
   */
  async buildPromptly(): Promise<void> {
    if (this.#index) return;
    const build = this.#started();
    for (;;) {
      const sliceEnd = performance.now() + IDLE_SLICE_MS;
      do {
        if (this.#step(build).done) return;
      } while (performance.now() < sliceEnd);
      await yieldToMainThread();
    }
  }

  /** The index, finishing its build now if idle time has not. */
  get(): Index {
    if (!this.#index) {
      const build = this.#started();
      while (!this.#step(build).done);
    }
    return this.#index!;
  }

  /** Brings the index up to date with changed records; before the build starts there is nothing to update. */
  recordsChanged(ids: Iterable<string>): void {
    if (this.#index) for (const id of ids) this.updateRecord(this.#index, id);
    else if (this.#build) for (const id of ids) this.#changedDuringBuild.add(id);
  }

  /** Stops any build under way. */
  destroy(): void {
    this.#sliced?.cancel();
  }

  #started(): Generator<void, Index> {
    this.#build ??= this.build();
    return this.#build;
  }

  #step(build: Generator<void, Index>): IteratorResult<void> {
    if (this.#index) return { done: true, value: undefined };
    const step = build.next();
    if (!step.done) return step;
    this.#index = step.value;
    this.#build = undefined;
    for (const id of this.#changedDuringBuild) this.updateRecord(step.value, id);
    this.#changedDuringBuild.clear();
    return { done: true, value: undefined };
  }
}
