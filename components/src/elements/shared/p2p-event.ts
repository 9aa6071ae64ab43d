/**
 * The events p2p elements fire: `p2p-`-prefixed, bubbling and composed (so that a page hears them through shadow
 * roots), with a typed `detail`. Request events are cancelable: the element fires them before writing to the store
 * and writes only when no listener called `preventDefault()`.
 *
 * Each element declares its events in `P2PEventMap` (and `GlobalEventHandlersEventMap`, so that
 * `addEventListener('p2p-event-select', (e) => e.detail.eventId)` is typed in host code).
 */
// Elements add their events to this map by declaration merging.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface P2PEventMap {}

export type P2PEventName = keyof P2PEventMap & string;

/** Fires `name` from `target`; returns false when a listener vetoed a cancelable event. */
export function emit<Name extends P2PEventName>(
  target: EventTarget,
  name: Name,
  detail: P2PEventMap[Name] extends CustomEvent<infer Detail> ? Detail : never,
  options: { cancelable?: boolean } = {},
): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: options.cancelable ?? false }));
}
