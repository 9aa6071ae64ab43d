/**
 * Registers a custom element without throwing when its tag is taken: a host page may load the embed twice (two
 * bundles, or the bundle and the app), and `customElements.define` would throw on the second. The same class is
 * left as is; another class under the tag (another copy of p2p-clinic) is left in place with a warning, since a
 * tag cannot be registered twice and the first copy's elements are already on the page.
 */
export function defineElement(tag: string, element: CustomElementConstructor): void {
  const registered = customElements.get(tag);
  if (registered === element) return;
  if (registered) {
    console.warn(`<${tag}> is already defined by another copy of p2p-clinic on this page; that copy is used.`);
    return;
  }
  customElements.define(tag, element);
}
