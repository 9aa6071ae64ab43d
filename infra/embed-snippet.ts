import type { EmbedIntegrity } from '../app/build/embed-integrity.ts';

/** The module the app build publishes for other sites to load the components from (see docs/embedding.md). */
export const COMPONENTS_MODULE_PATH = '/p2p-components.js';

/**
 * Ready-to-paste HTML that puts a team's calendar into any page whose origin the Worker allows, pinned to the build
 * just uploaded: the module by its `integrity` attribute, every chunk it may load by an import map's `integrity`
 * entries (Chromium 127+, Firefox 138+, Safari 18.4+), so that a browser refuses a file that differs from it
 * (docs/security.md, "The code-delivery boundary").
 */
export function embedSnippet(appUrl: string, workerUrl: string, integrity: EmbedIntegrity): string {
  const moduleFile = COMPONENTS_MODULE_PATH.slice(1);
  const moduleIntegrity = integrity[moduleFile];
  if (moduleIntegrity === undefined) throw new Error(`the embed integrity manifest has no ${moduleFile}`);
  // Import map keys are URLs: absolute, because a relative one would resolve against the embedding page.
  const importMap = { integrity: Object.fromEntries(Object.entries(integrity).map(([file, hash]) => [`${appUrl}/${file}`, hash])) };
  return (
    `<script type="importmap">${JSON.stringify(importMap)}</script>\n` +
    `<script type="module" src="${appUrl}${COMPONENTS_MODULE_PATH}" integrity="${moduleIntegrity}" crossorigin="anonymous"></script>\n` +
    `<p2p-calendar worker-url="${workerUrl}"></p2p-calendar>`
  );
}
