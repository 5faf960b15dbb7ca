import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const backend = 'http://localhost:8080';

type ModuleInfo = { isEntry: boolean; importedIds: readonly string[] } | null;

/**
 * Component libraries whose index re-exports every component: following its
 * imports would count all of them (and their own libraries) as loaded up
 * front, when the first screen uses a few.
 */
const barrelLibraries = /node_modules\/(@mantine|@tabler)\//;

/** The modules reachable from the entry by static imports: what loads before the first page shows. */
function staticallyImported(getModuleIds: () => IterableIterator<string>, getModuleInfo: (id: string) => ModuleInfo): Set<string> {
  const seen = new Set<string>();
  const queue = [...getModuleIds()].filter((id) => getModuleInfo(id)?.isEntry);
  while (queue.length) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    if (barrelLibraries.test(id)) continue;
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
        // React, the router and the GraphQL client change less often than
        // the app: a chunk of their own stays cached across releases. Only
        // libraries the app loads up front: one used only by a lazily loaded
        // page (GraphiQL and its editor) stays in that page's chunk, or the
        // vendor chunk would make every page load it.
        //
        // Mantine and the icons are left to Rollup: their index re-exports
        // everything, so a chunk of them would carry every component any
        // page uses (with the date picker, the number input and their
        // libraries). Split by use instead, the first screen takes the few
        // it shows: 234 -> 216 kB of brotli JavaScript when this was written.
        manualChunks(id, { getModuleIds, getModuleInfo }) {
          if (!id.includes('node_modules')) return undefined;
          eager ??= staticallyImported(getModuleIds, getModuleInfo);
          if (!eager.has(id) || barrelLibraries.test(id)) return undefined;
          return 'vendor';
        },
        // Splitting by use leaves chunks of a few hundred bytes (one icon),
        // each a request with its own headers: Rollup merges those into a
        // chunk loaded at the same time, without running code earlier.
        experimentalMinChunkSize: 10_000,
      },
    },
    // The GraphiQL playground (with its editor) is one chunk of ~735 kB,
    // loaded only at /graphiql.
    chunkSizeWarningLimit: 800,
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
