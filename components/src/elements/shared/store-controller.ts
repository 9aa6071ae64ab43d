/**
 * Binds a store subscription to an element's lifecycle: subscribed while the element is connected, unsubscribed
 * when it leaves the page, moved over when the element is given another store. Any change, local or from sync,
 * asks the element to update (and calls `onChange` first, for an element that keeps derived state).
 *
 * ```ts
 * readonly #events = new StoreController(this, (change) => this.#forget(change.ids));
 * willUpdate() { this.#events.store = this.session?.events; }
 * ```
 *
 * Works with anything that has `subscribe(listener) → unsubscribe`: the contacts, events and reminders stores,
 * the org registry.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StoreChange, Unsubscribe } from '../../core/index.ts';

export interface Subscribable<Change = StoreChange> {
  subscribe(listener: (change: Change) => void): Unsubscribe;
}

export class StoreController<Change = StoreChange> implements ReactiveController {
  #store: Subscribable<Change> | undefined;
  #unsubscribe: Unsubscribe | undefined;
  #connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onChange?: (change: Change) => void,
  ) {
    host.addController(this);
  }

  get store(): Subscribable<Change> | undefined {
    return this.#store;
  }

  /** The store to follow; setting another one moves the subscription over. */
  set store(store: Subscribable<Change> | undefined) {
    if (store === this.#store) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#store = store;
    if (this.#connected) this.#subscribe();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#subscribe();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #subscribe(): void {
    if (!this.#store || this.#unsubscribe) return;
    this.#unsubscribe = this.#store.subscribe((change) => {
      this.onChange?.(change);
      this.host.requestUpdate();
    });
  }
}
