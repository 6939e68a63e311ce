// `custom-elements.json`, from the JSDoc of the element, by
// @custom-elements-manifest/analyzer (`npm run manifest`; CI runs
// scripts/check-manifest.mjs, which fails when the committed file is stale).
//
// Only the modules that make up the public API are analysed: the element,
// its entry points, its events and types. Internal modules (stream, render,
// server) would only add noise, and churn the file on every refactor.
export default {
  globs: ['src/index.ts', 'src/element.ts', 'src/ai-chat.ts', 'src/events.ts', 'src/types.ts'],
  outdir: '.',
  litelement: true,
  // package.json names the manifest in `customElements` by hand; the
  // analyzer must not rewrite package.json on every run.
  packagejson: false,
  plugins: [definedByIndex()],
};

/**
 * `src/index.ts` defines `<ai-chat>` through `AiChat.define()`, which the
 * analyzer cannot see (it looks for `customElements.define(...)` calls).
 * Record the definition so tools know that importing the package's main
 * entry registers the tag.
 */
function definedByIndex() {
  return {
    name: 'ai-chat-defined-by-index',
    packageLinkPhase({ customElementsManifest }) {
      const index = customElementsManifest.modules.find((module) => module.path === 'src/index.ts');
      const element = customElementsManifest.modules
        .flatMap((module) => (module.declarations ?? []).map((declaration) => ({ module, declaration })))
        .find(({ declaration }) => declaration.customElement && declaration.tagName === 'ai-chat');
      if (!index || !element) return;
      index.exports ??= [];
      index.exports.push({
        kind: 'custom-element-definition',
        name: 'ai-chat',
        declaration: { name: element.declaration.name, module: element.module.path },
      });
    },
  };
}
