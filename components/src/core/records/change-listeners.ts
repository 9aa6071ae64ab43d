/** The observable half of a store: views subscribe and re-render on local and remote changes alike. */

export interface StoreChange {
  /** Ids of the records that were created, changed or removed. */
  ids: readonly string[];
  /** True when the change was made on this device, false when it arrived as an update from elsewhere. */
  local: boolean;
}

export type StoreListener = (change: StoreChange) => void;
export type Unsubscribe = () => void;

export class ChangeListeners {
  readonly #listeners = new Set<StoreListener>();

  add(listener: StoreListener): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(change: StoreChange): void {
    for (const listener of [...this.#listeners]) listener(change);
  }
}
