// Builds the console into dist/app, served by the auth server at /console. Preact through esbuild's
// automatic JSX runtime (no Babel preset); hashed asset names so the server can cache them forever.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  root: 'src',
  publicDir: '../public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/app',
    emptyOutDir: true,
    assetsDir: 'assets',
    // One small entry: no module preload polyfill (it would be inline-script free anyway, but unused).
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: true,
  },
});
