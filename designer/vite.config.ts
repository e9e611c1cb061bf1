import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The server serves `dist/` at `/`; in development the API is proxied to a local server. */
export default defineConfig({
  plugins: [react()],
  base: './',
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
