import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The portal shares the ledger's vocabulary (categories, labels, purposes, roles) with the chaincode:
// its pure model is compiled into the bundle from source, never the contracts.
export default defineConfig({
  plugins: [react()],
  resolve: {
    // recharts is hoisted to the root node_modules, beside an older react-is some test tools bring; the
    // bundle takes the portal's own react-is (React 19's element types).
    dedupe: ['react', 'react-dom', 'react-is'],
    alias: {
      '@custodia/chaincode/model': fileURLToPath(new URL('../chaincode/src/model/index.ts', import.meta.url)),
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': 'http://localhost:8080' } },
});
