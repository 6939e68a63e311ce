import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { minifyHTMLLiterals } from 'minify-literals';
import { minify as terser } from 'terser';
import { defineConfig, loadEnv, type LibraryOptions, type Plugin, type PreviewServer, type ViteDevServer } from 'vite';
import { CHAT_PATH, demoBackend } from './demo/mock-backend.js';

/**
 * Serves the demo's chat endpoint from the dev (and preview) server: the real
 * handler from src/server, with a provider from the environment or the mock.
 * `.env.local` works too (only AI_CHAT_*, OPENAI_* and ANTHROPIC_* are read).
 */
function chatBackend(mode: string): Plugin {
  const env = loadEnv(mode, process.cwd(), ['AI_CHAT_', 'OPENAI_', 'ANTHROPIC_']);
  const backend = demoBackend(env);
  const mount = (server: ViteDevServer | PreviewServer) => {
    server.middlewares.use(backend.middleware);
    // After Vite's own start-up lines, so this one is not lost above them.
    server.httpServer?.once('listening', () =>
      setTimeout(() => server.config.logger.info(`  ➜  ${CHAT_PATH}: answered by ${backend.description}`)),
    );
  };
  return { name: 'ai-chat-backend', configureServer: mount, configurePreviewServer: mount };
}

/**
 * The oldest browsers the bundle's CSS is written for (lightningcss's
 * `major << 16` versions), matching the es2022 script target. Without them
 * the minifier rewrites `(max-width: 480px)` as `(width<=480px)`, which
 * Chrome < 104 and Safari < 16.4 ignore.
 */
const CSS_TARGETS = { chrome: 94 << 16, firefox: 93 << 16, safari: (16 << 16) | (4 << 8) };

/**
 * lightningcss's `Features.LightDark` flag, left out of the CSS transforms:
 * the widget never writes `light-dark()`, yet for these targets every
 * `color-scheme` would otherwise gain the two `--lightningcss-light/-dark`
 * helper properties that only a lowered `light-dark()` reads.
 */
const LIGHT_DARK_FEATURE = 1 << 20;

/**
 * Minifies the widget's `html` and `css` template literals in builds: Lit
 * keeps template text as written, so indentation and comments would
 * otherwise ship to every page.
 */
function minifyTemplates(): Plugin {
  return {
    name: 'ai-chat-minify-templates',
    apply: 'build',
    enforce: 'pre',
    async transform(code, id) {
      if (!/\/src\/(?!server\/).*\.ts$/.test(id) || !/\b(html|css|svg)`/.test(code)) return null;
      const result = await minifyHTMLLiterals(code, {
        fileName: id,
        css: { targets: CSS_TARGETS, exclude: LIGHT_DARK_FEATURE },
        // Quotes go only where HTML allows it (a value without spaces, quotes,
        // `=`, `<`, `>` or backticks); Lit reads unquoted attribute bindings too.
        html: { removeAttributeQuotes: true },
      });
      return result ? { code: result.code, map: result.map } : null;
    },
  };
}

/**
 * Runs terser's compressor (three passes, its safe defaults, no renaming) over
 * the script-tag bundle before the build's own minifier renames and prints
 * it. Terser inlines and folds more than oxc does, oxc renames and prints
 * shorter than terser does: together they ship about 300 B gzip less than
 * either alone. Only the IIFE build is minified, so only it needs this.
 * A third pass still finds about 40 B gzip to fold; a fourth about 10 more,
 * not worth its build time. The `unsafe*` options save next to nothing and
 * are off. `pure_getters` (a property read has no side effects) saves about
 * 100 B gzip: audited on 2026-12-03 by diffing the compressed bundle with and
 * without it, every change only drops or reorders reads of plain objects
 * (Lit's unused private-export table, the view, parsed JSON, the request).
 * A getter whose read must happen, or in order, would need it turned off.
 */
function compressScriptBundle(): Plugin {
  return {
    name: 'ai-chat-compress-script-bundle',
    apply: 'build',
    async renderChunk(code) {
      const result = await terser(code, {
        ecma: 2022,
        compress: { passes: 3, pure_getters: true },
        mangle: false,
        // Chained by the bundler, so the published map still leads to src/.
        sourceMap: true,
      });
      // `sourceMap: true` (not `asObject`) makes the map JSON text.
      return { code: result.code ?? code, map: result.map as string | undefined };
    },
    // After the build's minifier: terser renames the local names once more.
    // It hands out the short names by how often each is used, which leaves
    // the text more alike and about 50 B gzip smaller; it changes no code,
    // and the top level (the `AiChatElement` global) keeps its name.
    // `ascii_only` writes the ~150 non-ASCII characters (the French and
    // German texts, the markdown entities) as `\u` escapes: 460 B more text
    // but 70 B less gzip, as the escapes reuse bytes the code is full of
    // where UTF-8 needed Huffman codes of their own. The values are the same
    // (no template's `raw` is read, and no regular expression has them).
    async generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.map) continue;
        const mapComment = /\n\/\/# sourceMappingURL=[^\n]*\s*$/.exec(chunk.code)?.[0] ?? '';
        const result = await terser(chunk.code, {
          ecma: 2022,
          compress: false,
          mangle: true,
          format: { ascii_only: true },
          // Chained to the minifier's map, which already leads to src/.
          sourceMap: { content: JSON.stringify(chunk.map), asObject: true },
        });
        if (!result.code || !result.map) continue;
        chunk.code = result.code + mapComment;
        Object.assign(chunk.map, result.map);
        const mapFile = bundle[`${chunk.fileName}.map`];
        if (mapFile?.type === 'asset') mapFile.source = chunk.map.toString();
      }
    },
  };
}

// `vite build` writes the ES module for bundlers (lit and fetch-event-source
// stay dependencies); `vite build --mode iife` writes the self-contained
// classic script for a plain <script> tag; `--mode server` writes the
// backend handler (`./server` export) to dist/server, its SDKs left as
// imports; `--mode demo` builds the demo page to dist-demo for `npm start`.
// demo/index.html loads `../src/index.ts`, which from the demo root is the URL
// `/src/index.ts`: map it back to the package's own sources.
const demoSources = { alias: [{ find: /^\/src\//, replacement: `${resolve(import.meta.dirname, 'src')}/` }] };

export default defineConfig(({ command, mode }) => {
  if (mode === 'server') {
    return {
      build: {
        outDir: 'dist/server',
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: true,
        minify: false,
        lib: {
          entry: {
            index: resolve(import.meta.dirname, 'src/server/index.ts'),
            node: resolve(import.meta.dirname, 'src/server/node.ts'),
            redis: resolve(import.meta.dirname, 'src/server/redis.ts'),
          },
          formats: ['es'],
          fileName: (_format, name) => `${name}.js`,
        },
        rollupOptions: {
          // Optional peers, loaded only by the provider or adapter in use.
          external: [/^openai($|\/)/, /^@anthropic-ai\/sdk($|\/)/, /^@hono\/node-server($|\/)/, /^redis$/, /^ioredis$/, /^node:/],
        },
      },
    };
  }
  if (mode === 'demo') {
    return {
      root: 'demo',
      resolve: demoSources,
      plugins: command === 'serve' ? [chatBackend(mode), svelte({ configFile: false })] : [svelte({ configFile: false })],
      build: {
        outDir: '../dist-demo',
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: true,
        rollupOptions: {
          input: ['index.html', 'react.html', 'vue.html', 'svelte.html', 'angular.html'].map((page) => resolve(import.meta.dirname, 'demo', page)),
        },
      },
    };
  }
  const iife = mode === 'iife';
  // The ES build has one entry per export: `.` defines the element,
  // `./element` only exports the class, `./react` wraps it for React; the
  // class itself lands once, in a shared chunk (dist/chunks/).
  const lib: LibraryOptions = iife
    ? {
        entry: resolve(import.meta.dirname, 'src/iife.ts'),
        name: 'AiChatElement',
        formats: ['iife'],
        fileName: () => 'ai-chat.iife.js',
      }
    : {
        entry: {
          'ai-chat': resolve(import.meta.dirname, 'src/index.ts'),
          element: resolve(import.meta.dirname, 'src/element.ts'),
          react: resolve(import.meta.dirname, 'src/react.ts'),
          highlight: resolve(import.meta.dirname, 'src/render/highlight.ts'),
        },
        formats: ['es'],
        fileName: (_format, name) => `${name}.js`,
      };
  return {
    root: command === 'serve' ? 'demo' : '.',
    // Svelte is served as its own ES modules: pre-bundled, its client entry was
    // swapped for the server one.
    ...(command === 'serve' ? { resolve: demoSources, optimizeDeps: { exclude: ['svelte'] } } : {}),
    // The demo's Svelte page needs the Svelte compiler; the library builds do not.
    plugins:
      command === 'serve'
        ? [chatBackend(mode), svelte({ configFile: false })]
        : [minifyTemplates(), ...(iife ? [compressScriptBundle()] : [])],
    build: {
      outDir: 'dist',
      emptyOutDir: !iife,
      target: 'es2022',
      sourcemap: true,
      lib,
      rollupOptions: {
        // The terser pass is most of the script-tag build's time by design:
        // no warning that a plugin is slow.
        checks: { bundlerTimings: !iife },
        external: iife ? [] : [/^lit($|\/)/, /^@lit\//, '@microsoft/fetch-event-source', /^react($|\/)/],
        // `window.AiChatElement` is a plain object holding the class, not a
        // module namespace, so it needs no `Symbol.toStringTag` of 'Module'.
        output: iife ? { generatedCode: { symbols: false } } : { chunkFileNames: 'chunks/[name]-[hash].js' },
      },
      minify: iife,
    },
  };
});
