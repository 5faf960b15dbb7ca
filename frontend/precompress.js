// Runs after `vite build` (npm run build): writes a brotli (.br) and a gzip
// (.gz) copy next to every text file in dist/, which the Go server
// (internal/static) sends to browsers that accept them, so it never
// compresses per request. Then prints what the first screen loads.
//
// node:zlib does both at their strongest settings (brotli quality 11, gzip
// level 9): too slow per request, fine once per build. A vite plugin would do
// the same through a dependency; this is the whole of it.
//
// `node precompress.js --report` prints the table again without rewriting.

import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join, relative, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dist = new URL('./dist/', import.meta.url).pathname;
const compressible = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.map', '.xml']);

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)],
  );
}

function brotli(data) {
  return brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    },
  });
}

const sizes = new Map(); // path in dist -> { raw, gz, br }
const report = process.argv.includes('--report');

for (const path of files(dist)) {
  if (!compressible.has(extname(path))) continue;
  const data = readFileSync(path);
  const name = relative(dist, path);
  const entry = { raw: data.length, gz: undefined, br: undefined };
  if (report) {
    entry.gz = statIf(`${path}.gz`);
    entry.br = statIf(`${path}.br`);
  } else {
    // A variant that saves nothing is not worth a second lookup: the
    // server then sends the file as it is.
    const gz = gzipSync(data, { level: 9 });
    if (gz.length < data.length) {
      writeFileSync(`${path}.gz`, gz);
      entry.gz = gz.length;
    }
    const br = brotli(data);
    if (br.length < data.length) {
      writeFileSync(`${path}.br`, br);
      entry.br = br.length;
    }
  }
  sizes.set(name, entry);
}

function statIf(path) {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

// The first screen: a signed-out visitor gets index.html and what it loads
// (the entry script, its module preloads, the style sheets), signs in, and
// lands on the invoice list, whose page chunk loads then with the chunks it
// imports.
const index = readFileSync(join(dist, 'index.html'), 'utf8');
const firstScreen = new Set(['index.html', ...[...index.matchAll(/(?:src|href)="\/([^"]+)"/g)].map((m) => m[1])]);
const landing = [...sizes.keys()].filter((name) => /^assets\/InvoicesPage-[\w-]+\.js$/.test(name));
const queue = [...landing];
while (queue.length) {
  const name = queue.pop();
  if (firstScreen.has(name) && !landing.includes(name)) continue;
  firstScreen.add(name);
  const code = readFileSync(join(dist, name), 'utf8');
  // A chunk's static imports of its siblings: import{a as b}from"./x-HASH.js" or import"./x-HASH.js".
  for (const m of code.matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)) {
    const dep = `assets/${m[1]}`;
    if (!firstScreen.has(dep)) queue.push(dep);
  }
}

const kB = (n) => (n === undefined ? '-' : (n / 1000).toFixed(1));
const rows = [...sizes].sort((a, b) => b[1].raw - a[1].raw);
console.log('\n%s  %s  %s  %s  file (* = first screen)', 'raw kB'.padStart(9), 'gzip kB'.padStart(9), 'brotli kB'.padStart(9), '');
for (const [name, s] of rows) {
  if (s.raw < 2000 && !firstScreen.has(name)) continue;
  console.log('%s  %s  %s  %s %s', kB(s.raw).padStart(9), kB(s.gz).padStart(9), kB(s.br).padStart(9), firstScreen.has(name) ? '*' : ' ', name);
}
const sum = (filter, key) => rows.filter(([name]) => filter(name)).reduce((t, [, s]) => t + (s[key] ?? s.raw), 0);
const firstJS = (name) => firstScreen.has(name) && name.endsWith('.js');
console.log(
  '\nfirst screen JavaScript: %s kB raw, %s kB gzip, %s kB brotli (%d files); all JavaScript: %s kB raw\n',
  kB(sum(firstJS, 'raw')),
  kB(sum(firstJS, 'gz')),
  kB(sum(firstJS, 'br')),
  rows.filter(([name]) => firstJS(name)).length,
  kB(sum((name) => name.endsWith('.js'), 'raw')),
);
