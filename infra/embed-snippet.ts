/** The module the app build publishes for other sites to load the components from (see docs/embedding.md). */
export const COMPONENTS_MODULE_PATH = '/p2p-components.js';

/** Ready-to-paste HTML that puts a team's calendar into any page whose origin the Worker allows. */
export function embedSnippet(appUrl: string, workerUrl: string): string {
  return (
    `<script type="module" src="${appUrl}${COMPONENTS_MODULE_PATH}"></script>\n` +
    `<p2p-calendar worker-url="${workerUrl}"></p2p-calendar>`
  );
}
