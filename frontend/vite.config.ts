import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const backend = 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    // dist/.keep is recreated by the build script; Go embeds dist/.
    emptyOutDir: true,
    rollupOptions: {
      output: {
        // Libraries change less often than the app: separate chunks cache better.
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined;
          if (id.includes('@tabler/icons')) return 'icons';
          if (id.includes('@mantine') || id.includes('dayjs')) return 'mantine';
          return 'vendor';
        },
      },
    },
  },
  server: {
    proxy: {
      '/query': { target: backend, ws: true, changeOrigin: false },
      '/healthz': { target: backend },
      // The invoice PDF (its other /invoices/... paths are the dashboard's routes).
      '^/invoices/[^/]+/pdf(\\?|$)': { target: backend },
    },
  },
});
