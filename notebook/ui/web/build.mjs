// build.mjs bundles the UI with esbuild into ../dist: assets/ holds the script,
// style sheet and icon, named by content hash (the server caches them for a year),
// and index.html loads them. Nothing in the output refers to another host.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist');

// Empty dist but keep its .gitignore (the committed placeholder go:embed needs).
await mkdir(dist, { recursive: true });
for (const name of await readdir(dist)) {
  if (name !== '.gitignore') await rm(path.join(dist, name), { recursive: true, force: true });
}

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { main: 'src/main.js' },
  bundle: true,
  format: 'esm',
  splitting: false,
  minify: true,
  target: 'es2022',
  charset: 'utf8',
  outdir: path.join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.svg': 'file' },
  legalComments: 'external',
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  logLevel: 'warning',
});

// Find the hashed names of the entry's script and style sheet.
let script, style;
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  if (meta.entryPoint === 'src/main.js') script = out;
  else if (out.endsWith('.css')) style = out;
}
if (!script || !style) throw new Error('esbuild produced no main script or style sheet');
const asset = (p) => '/assets/' + path.basename(p);

const iconSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
  `<rect width="32" height="32" rx="6" fill="#1f6feb"/><path d="M8 9h16v3H8zm0 5h11v3H8zm0 5h14v3H8z" fill="#fff"/></svg>\n`;
const icon = `icon-${createHash('sha256').update(iconSVG).digest('hex').slice(0, 8)}.svg`;
await writeFile(path.join(dist, 'assets', icon), iconSVG);

const index = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csp-nonce" content="__CSP_NONCE__">
<title>trailbook</title>
<link rel="icon" href="/assets/${icon}" type="image/svg+xml">
<link rel="stylesheet" href="${asset(style)}">
<script type="module" src="${asset(script)}"></script>
</head>
<body>
<div id="app" class="app"><p class="loading">Loading trailbook…</p></div>
</body>
</html>
`;
await writeFile(path.join(dist, 'index.html'), index);

const size = (p) => result.metafile.outputs[p].bytes;
console.log(`notebook UI built: ${asset(script)} (${Math.round(size(script) / 1024)} KiB), ${asset(style)} (${Math.round(size(style) / 1024)} KiB)`);

// The chart export script: ECharts (the same package and version as the page's)
// with trailbook's chart option, as one classic script for renderers/chart, which
// embeds it to draw SVG and PNG exports on the server (goja, ECharts' server-side
// rendering) and inlines it into standalone HTML exports. go:embed cannot reach
// outside its package, so it is written there, beside a committed placeholder
// (renderers/chart/dist/.gitignore). ECharts' licence comments go at its end:
// the script travels inside exported files.
const chartDist = path.join(here, '..', '..', '..', 'renderers', 'chart', 'dist');
await mkdir(chartDist, { recursive: true });
const chartResult = await esbuild.build({
  absWorkingDir: here,
  entryPoints: ['src/outputs/chartexport.js'],
  bundle: true,
  format: 'iife',
  minify: true,
  target: 'es2020', // what goja runs; esbuild lowers anything newer
  charset: 'utf8',
  outfile: path.join(chartDist, 'chart.js'),
  legalComments: 'eof',
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  logLevel: 'warning',
});
const chartBytes = Object.values(chartResult.metafile.outputs)[0].bytes;
console.log(`chart export script built: renderers/chart/dist/chart.js (${Math.round(chartBytes / 1024)} KiB)`);
