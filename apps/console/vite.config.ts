import { defineConfig } from 'vite';

// The server (apps/server) serves the built console under /console/ and answers /api and /socket.io on the same
// origin. In development Vite serves the console and forwards those paths to a server on port 3000.
const serverUrl = 'http://localhost:3000';

export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': { target: serverUrl },
      '/socket.io': { target: serverUrl, ws: true },
    },
  },
});
