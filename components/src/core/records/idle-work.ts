/**
 * Work the core does when the page has nothing else to do (building indexes, merging stored updates), in slices
 * short enough that a keystroke or a frame arriving meanwhile waits at most one slice.
 */

/** A slice stops after this long even if the browser offers more idle time: a keystroke waits for it at most. */
export const IDLE_SLICE_MS = 8;
/** Where the browser has no idle callbacks (Node, Safari), a slice runs this soon after the last. */
const FALLBACK_DELAY_MS = 1;

export interface IdleTask {
  cancel(): void;
}

/** Runs `callback` once when the page is idle, with the time it may take. */
export function whenIdle(callback: (timeRemaining: () => number) => void): IdleTask {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback((deadline) => callback(() => deadline.timeRemaining()));
    return { cancel: () => cancelIdleCallback(handle) };
  }
  const handle = setTimeout(() => callback(() => IDLE_SLICE_MS), FALLBACK_DELAY_MS);
  return { cancel: () => clearTimeout(handle) };
}

export interface SlicedWork extends IdleTask {
  /** Resolves when every step has run; never, if cancelled first. */
  done: Promise<void>;
}

/** Runs the iterator's steps in idle slices until it is exhausted. Each step should take well under a slice. */
export function runInIdleSlices(steps: Iterator<unknown>): SlicedWork {
  let task: IdleTask | undefined;
  let finish: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const slice = (timeRemaining: () => number) => {
    const sliceEnd = performance.now() + Math.min(IDLE_SLICE_MS, timeRemaining());
    do {
      if (steps.next().done) return finish();
    } while (performance.now() < sliceEnd);
    task = whenIdle(slice);
  };
  task = whenIdle(slice);
  return { done, cancel: () => task?.cancel() };
}

/**
 * Lets input and rendering run before the caller continues, without waiting for idle time: for work a person is
 * waiting for (opening an org) that must not be one long task. `scheduler.yield` where there is one (Chromium),
 * else a message to self, which runs as the next task (setTimeout would be clamped once nested).
 */
export function yieldToMainThread(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}
