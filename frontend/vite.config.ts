import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const backend = 'http://localhost:8080';

type ModuleInfo = { isEntry: boolean; importedIds: readonly string[] } | null;

/** The modules reachable from the entry by static imports: what loads before the first page shows. */
function staticallyImported(getModuleIds: () => IterableIterator<string>, getModuleInfo: (id: string) => ModuleInfo): Set<string> {
  const seen = new Set<string>();
  const queue = [...getModuleIds()].filter((id) => getModuleInfo(id)?.isEntry);
  while (queue.length) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(getModuleInfo(id)?.importedIds ?? []));
  }
  return seen;
}
let eager: Set<string> | undefined;

export default defineConfig({
  plugins: [
    react(),
    // The static graph is worked out once per build (watch mode rebuilds).
    { name: 'tally:eager-modules', buildStart: () => void (eager = undefined) },
  ],
  build: {
    outDir: 'dist',
    // dist/.keep is recreated by the build script; Go embeds dist/.
    emptyOutDir: true,
    rollupOptions: {
      output: {
        // Libraries change less often than the app: separate chunks cache better.
        // Only for libraries the app loads up front: one used only by a
        // lazily loaded page (GraphiQL and its editor) stays in that page's
        // chunk, or the vendor chunk would make every page load it.
        manualChunks(id, { getModuleIds, getModuleInfo }) {
          if (!id.includes('node_modules')) return undefined;
          eager ??= staticallyImported(getModuleIds, getModuleInfo);
          if (!eager.has(id)) return undefined;
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
