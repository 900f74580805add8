#!/usr/bin/env node
/**
 * Bundles the `cdk-rust` command line (bin/cdk-rust.ts and the parts of lib/ it uses) into one file
 * with esbuild, so that it starts without resolving and reading dozens of modules. Run by
 * `npm run build` after `tsc`, whose dist/bin/cdk-rust.js it overwrites (the package's `bin`).
 *
 *   node scripts/bundle-cli.mjs [OUTFILE]     default OUTFILE: dist/bin/cdk-rust.js
 *
 * aws-cdk-lib, constructs and cdk-nag stay external: they are peer dependencies that the user's app
 * already has (and aws-cdk-lib alone is tens of megabytes). The CLI requires them only when `synth`
 * runs (bin/cdk-rust.ts imports lib/cli/synth lazily), so `--help` and `invoke` never load them.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.resolve(process.argv[2] ?? path.join(repo, 'dist', 'bin', 'cdk-rust.js'));
const entry = path.join(repo, 'bin', 'cdk-rust.ts');
const external = ['aws-cdk-lib', 'constructs', 'cdk-nag'];
const hashbang = '#!/usr/bin/env node';
// esbuild keeps the entry's own hashbang as the first line; a banner too would make it two lines
// (a syntax error), so the banner is only for an entry without one.
const entryHasHashbang = fs.readFileSync(entry, 'utf-8').startsWith('#!');

const result = await esbuild.build({
  absWorkingDir: repo,
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // A package name also covers its subpaths (aws-cdk-lib/aws-lambda, ...); listed for the reader.
  external: external.flatMap((name) => [name, `${name}/*`]),
  banner: entryHasHashbang ? undefined : { js: hashbang },
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

if (!fs.readFileSync(outfile, 'utf-8').startsWith('#!')) {
  console.error(`bundle-cli: ${outfile} does not start with a hashbang`);
  process.exit(1);
}
fs.chmodSync(outfile, 0o755);

// Refuse a bundle that swallowed a peer dependency (e.g. an import esbuild did not see as external).
const inputs = Object.keys(result.metafile.inputs);
const swallowed = inputs.filter((file) => external.some((name) => file.includes(`node_modules/${name}/`)));
if (swallowed.length > 0) {
  console.error(
    `bundle-cli: ${path.relative(repo, outfile)} bundles peer dependencies it must leave external:\n  ${swallowed.slice(0, 10).join('\n  ')}`,
  );
  process.exit(1);
}
const kib = (fs.statSync(outfile).size / 1024).toFixed(0);
console.error(
  `bundle-cli: ${path.relative(process.cwd(), outfile)} (${kib} KiB, ${inputs.length} modules; external: ${external.join(', ')})`,
);
