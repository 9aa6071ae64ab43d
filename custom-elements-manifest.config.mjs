/**
 * How `custom-elements.json` is generated from the elements' source (`npm run build:manifest`, part of the app
 * build): their class comments are the contract (@tagname, @summary, @fires, @csspart, @cssproperty, @slot), Lit's
 * `static properties` the attributes and properties. Published next to p2p-components.js.
 */

/** Lit's internal reactive state (`_name: { state: true }`) is not part of any element's public surface. */
function dropInternalState() {
  const isPublic = (entry) => !entry.name.startsWith('_') && !entry.name.startsWith('#');
  return {
    name: 'drop-internal-state',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (declaration.attributes) declaration.attributes = declaration.attributes.filter(isPublic);
          if (declaration.members) declaration.members = declaration.members.filter(isPublic);
        }
      }
    },
  };
}

export default {
  globs: ['components/src/elements/**/*.ts'],
  exclude: ['**/*.test.ts', '**/*.page.ts', '**/*.page-object.ts', '**/*.styles.ts'],
  outdir: 'app/dist',
  litelement: true,
  packagejson: false,
  plugins: [dropInternalState()],
};
