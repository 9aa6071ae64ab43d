/**
 * Reading the page through shadow roots for page objects. Functions here run in the page (they are serialised by
 * `Device.evaluate`), so each is self-contained.
 */
import type { Device } from '../../../scripts/device-lab/device.ts';

/** The text of every element matching the last selector, inside the element the rest of the chain leads to. */
export function textsIn(device: Device, chain: readonly string[]): Promise<string[]> {
  return device.evaluate((chain) => {
    let root: ParentNode | null = document;
    for (const selector of chain.slice(0, -1)) {
      const element: Element | null | undefined = root?.querySelector(selector);
      root = element ? (element.shadowRoot ?? element) : null;
    }
    return root ? [...root.querySelectorAll(chain.at(-1)!)].map((element) => element.textContent?.replace(/\s+/g, ' ').trim() ?? '') : [];
  }, [...chain]);
}

/** Waits until some element at the chain's end has text containing `text`. */
export function waitForText(device: Device, chain: readonly string[], text: string, timeoutMs?: number): Promise<void> {
  return device.waitFor(
    `"${text}" in ${chain.join(' >> ')}`,
    ({ chain, text }) => {
      let root: ParentNode | null = document;
      for (const selector of chain.slice(0, -1)) {
        const element: Element | null | undefined = root?.querySelector(selector);
        root = element ? (element.shadowRoot ?? element) : null;
      }
      return root ? [...root.querySelectorAll(chain.at(-1)!)].some((element) => element.textContent?.replace(/\s+/g, ' ').includes(text)) : false;
    },
    { chain: [...chain], text },
    timeoutMs,
  );
}

/** Waits until something matches the chain. */
export function waitForElement(device: Device, chain: readonly string[], timeoutMs?: number): Promise<void> {
  return device.waitFor(
    chain.join(' >> '),
    (chain) => {
      let root: ParentNode | null = document;
      let element: Element | null = null;
      for (const selector of chain) {
        element = root?.querySelector(selector) ?? null;
        if (!element) return false;
        root = element.shadowRoot ?? element;
      }
      return element !== null;
    },
    [...chain],
    timeoutMs,
  );
}

/** The value of the input or text area at the chain's end; null when there is none. */
export function valueIn(device: Device, chain: readonly string[]): Promise<string | null> {
  return device.evaluate((chain) => {
    let element: Element | null = null;
    let root: ParentNode | null = document;
    for (const selector of chain) {
      element = root?.querySelector(selector) ?? null;
      root = element ? (element.shadowRoot ?? element) : null;
    }
    return element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement ? element.value : null;
  }, [...chain]);
}

/** Sets a text area's (or an input's) value at once, as a paste of a long text would. */
export async function pasteInto(device: Device, chain: readonly string[], text: string): Promise<void> {
  await waitForElement(device, chain);
  await device.evaluate(
    ({ chain, text }) => {
      let element: Element | null = null;
      let root: ParentNode | null = document;
      for (const selector of chain) {
        element = root?.querySelector(selector) ?? null;
        root = element ? (element.shadowRoot ?? element) : null;
      }
      (element as HTMLTextAreaElement).value = text;
    },
    { chain: [...chain], text },
  );
}

/** Clicks into a field (once it is there), clears it and types, as a person would. */
export async function fillIn(device: Device, chain: readonly string[], text: string): Promise<void> {
  await waitForElement(device, chain);
  await device.click(chain);
  await device.keyboard.press('Control+a');
  await device.keyboard.press('Backspace');
  if (text) await device.keyboard.type(text);
}

/** Clicks the button whose text is `text` inside the element `root` leads to (its shadow root when it has one), once it is there. */
export async function clickButton(device: Device, root: readonly string[], text: string): Promise<void> {
  await device.waitFor(
    `a button "${text}" in ${root.join(' >> ')}`,
    ({ chain, text }) => {
      let scope: ParentNode | null = document;
      for (const selector of chain) {
        const element: Element | null | undefined = scope?.querySelector(selector);
        scope = element ? (element.shadowRoot ?? element) : null;
      }
      if (!scope) return false;
      // CSS cannot match text: the button is marked for the click that follows.
      for (const marked of scope.querySelectorAll('[data-test-target]')) marked.removeAttribute('data-test-target');
      const button = [...scope.querySelectorAll('button')].find((candidate) => candidate.textContent?.replace(/\s+/g, ' ').trim() === text);
      button?.setAttribute('data-test-target', '');
      return button !== undefined;
    },
    { chain: [...root], text },
  );
  await device.click([...root, 'button[data-test-target]']);
}
