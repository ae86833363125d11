// Bundles src/live-editor.js into ONE minified ESM file, the same bytes on
// every run and machine (no source map, no timestamps, no absolute paths), so
// that scripts/assets.sh check can compare the committed file byte for byte.
// Usage: node build.mjs [--outfile PATH]   (default ../static/js/live/live-editor.js)
import { build } from "esbuild";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const flag = process.argv.indexOf("--outfile");
const outfile = flag === -1 ? resolve(here, "../static/js/live/live-editor.js") : resolve(process.argv[flag + 1]);

await build({
  absWorkingDir: here,
  entryPoints: ["src/live-editor.js"],
  outfile,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2020"],
  minify: true,
  sourcemap: false,
  legalComments: "eof",
  charset: "ascii",
  logLevel: "warning",
  banner: { js: "/* Built from frontend/src by frontend/build.mjs (make assets): do not edit. */" },
});
