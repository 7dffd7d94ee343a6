/// <reference types="vitest/config" />
import { defineConfig, searchForWorkspaceRoot } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

// The e2e run builds against a deployment of its own (KEIRETSU_GENERATED), leaving src/generated alone.
const generated = resolve(import.meta.dirname, process.env.KEIRETSU_GENERATED ?? 'src/generated');

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@generated': generated } },
  // Relative asset paths: the built dApp can be served from any folder (or IPFS gateway).
  base: './',
  // The validation rules are shared with the CLI: the dev server may read keiretsu/rules.json too.
  server: { port: 5174, strictPort: true, fs: { allow: [searchForWorkspaceRoot(import.meta.dirname), resolve(import.meta.dirname, '../keiretsu/rules.json')] } },
  preview: { port: 5174, strictPort: true },
  // viem + wagmi + react make one ~520 kB chunk (160 kB gzipped); pages are split when they grow.
  build: { outDir: process.env.KEIRETSU_DIST ?? 'dist', emptyOutDir: true, chunkSizeWarningLimit: 700 },
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
