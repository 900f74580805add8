/**
 * Scenario 12: the official compiled-language construct, `GoFunction` of `@aws-cdk/aws-lambda-go-alpha`
 * (local `go build`), against ours, side by side, whole `node app.js` processes:
 *   (a) re-synth with no change: an app with one GoFunction on a copy of examples/go-greeter, and the same
 *       app with `assetHashType: SOURCE`, against the app with one RustFunction (scenario 2's);
 *   (b) re-synth after a one-line change of the source (a new string every round): the same apps, after
 *       an edit of go-greeter's `main.go` and of greeter's `src/main.rs` (scenario 3's edit).
 * Bare `go build`s in the same module, with the same flags, show what the Go build itself costs.
 *
 * Every row says in how many of its runs the construct rebuilt (CDK's `Bundling asset` for GoFunction,
 * `[cdk-rust] building` for ours). Without the development environment (e.g. this file's `run` called with
 * no `ctx.dev`), only the Go side is measured and ours says why not: nothing here builds Rust then.
 */
import * as fs from 'fs';
import * as path from 'path';
import { assetHas, newestAsset } from '../assembly-assets';
import { Context, Scenario } from '../context';
import { editGreeting } from '../fixtures/edits';
import { BenchError, Row, Samples, Timed, Variant, cargoWork, probe, progress, rowOf, sha256, sideBySide, tail, timed } from '../support';
import { OursApp } from '../workbench';

const TITLE = 'The official compiled-language construct: GoFunction (aws-lambda-go-alpha, local go build) versus RustFunction';

/** The flags examples/go-and-rust.ts gives `go build` (through GOFLAGS, in the bundling environment). */
const GOFLAGS = '-trimpath -buildvcs=false -tags=lambda.norpc -ldflags=-s';

/** The environment GoFunction's bundling gives `go build` (x86_64, CGO off), for the bare builds. */
const GO_BUILD_ENV = { CGO_ENABLED: '0', GO111MODULE: 'on', GOARCH: 'amd64', GOOS: 'linux', GOFLAGS };

/** The official construct, as examples/go-and-rust.ts configures its build; `node go.js config.json`. */
const GO_APP = `'use strict';
const fs = require('fs');
const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const { GoFunction } = require('@aws-cdk/aws-lambda-go-alpha');
const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
const app = new cdk.App({ outdir: config.outdir });
const stack = new cdk.Stack(app, 'Bench');
new GoFunction(stack, 'GoGreeter', {
  entry: config.entry,
  runtime: lambda.Runtime.PROVIDED_AL2023,
  architecture: lambda.Architecture.X86_64,
  bundling: {
    forcedDockerBundling: false,
    cgoEnabled: false,
    environment: { GOFLAGS: config.goflags },
    ...(config.assetHashType === 'source' ? { assetHashType: cdk.AssetHashType.SOURCE } : {}),
  },
});
app.synth();
`;

/** The line of go-greeter's main.go that the one-line change rewrites. */
const GREETING_LINE = /^\treturn Response\{Message: .*\}, nil$/m;

/** Rewrites go-greeter's greeting line so that the binary changes: `tag` goes into the message. */
function editGoGreeting(moduleDir: string, tag: string): void {
  const file = path.join(moduleDir, 'main.go');
  const text = fs.readFileSync(file, 'utf-8');
  if (!GREETING_LINE.test(text)) throw new BenchError(`${file}: the greeting line was not found (did examples/go-greeter change?)`);
  fs.writeFileSync(file, text.replace(GREETING_LINE, `\treturn Response{Message: "Hello [${tag}], " + name + "!"}, nil`));
}

/** One GoFunction app: its config, its outdir and its own Go build cache. */
interface GoApp {
  readonly key: string;
  readonly configFile: string;
  readonly outdir: string;
  readonly env: NodeJS.ProcessEnv;
}

/** How many runs of each row rebuilt, for the row's note and the JSON. */
type Rebuilds = Record<string, { rebuilt: number; runs: number }>;

function countRun(rebuilds: Rebuilds, row: string, rebuilt: boolean): void {
  const r = (rebuilds[row] ??= { rebuilt: 0, runs: 0 });
  r.runs++;
  if (rebuilt) r.rebuilt++;
}

/** A GoFunction synth rebuilt when CDK bundled its asset (it prints `Bundling asset <path>...`). */
function goRebuilt(t: Timed): boolean {
  return /Bundling asset Bench\/GoGreeter/.test(t.log);
}

/** Ours rebuilt when RustFunction started a build. */
function oursRebuilt(t: Timed): boolean {
  return /\[cdk-rust\] building/.test(t.log);
}

export const gofunction: Scenario = {
  id: '12',
  name: 'gofunction',
  title: TITLE,
  // Ours builds Rust in Docker; the Go side alone needs only `go` (see the header).
  needsDevEnv: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const notes: string[] = [];
    const goVersion = probe('go', ['version'], ctx.env);
    if (!goVersion) {
      return { id: '12', title: TITLE, rows: [], notes: ['not measured: `go version` fails (no Go toolchain on the PATH)'] };
    }
    const alphaVersion = JSON.parse(
      fs.readFileSync(path.join(ctx.repo, 'node_modules', '@aws-cdk', 'aws-lambda-go-alpha', 'package.json'), 'utf-8'),
    ).version as string;
    const rebuilds: Rebuilds = {};
    const raw: Record<string, unknown> = { go: goVersion, awsLambdaGoAlpha: alphaVersion, goflags: GOFLAGS, rebuilds };
    ctx.results.raw['12'] = raw;

    // The Go module, copied into the work dir (the edits of (b) change the copy only).
    const moduleDir = path.join(ctx.work, 's12-go-greeter');
    fs.cpSync(path.join(ctx.repo, 'examples', 'go-greeter'), moduleDir, { recursive: true });
    fs.writeFileSync(path.join(ctx.work, 'go.js'), GO_APP);
    const nodePath = path.join(ctx.repo, 'node_modules');
    // One Go build cache per variant, in the work dir: otherwise the second variant to build an edit
    // would find the first one's compiled package in the shared cache.
    const goEnv = (key: string): NodeJS.ProcessEnv => ({
      ...ctx.env,
      NODE_PATH: nodePath,
      GOCACHE: path.join(ctx.work, `s12-gocache-${key}`),
    });
    const goApp = (key: string, assetHashType: 'output' | 'source'): GoApp => {
      const outdir = path.join(ctx.work, `s12-go-${key}.out`);
      const configFile = path.join(ctx.work, `s12-go-${key}.json`);
      fs.writeFileSync(configFile, JSON.stringify({ outdir, entry: moduleDir, assetHashType, goflags: GOFLAGS }, null, 2));
      return { key, configFile, outdir, env: goEnv(key) };
    };
    const runGo = (name: string, app: GoApp): Timed =>
      timed(name, process.execPath, [path.join(ctx.work, 'go.js'), app.configFile], { env: app.env, cwd: ctx.work });
    const bareOut = path.join(ctx.work, 's12-bare-go.out');
    const bareEnv = { ...ctx.env, ...GO_BUILD_ENV, GOCACHE: path.join(ctx.work, 's12-gocache-bare') };
    const bareGo = (name: string): Timed =>
      timed(name, 'go', ['build', '-o', path.join(bareOut, 'bootstrap'), '.'], { cwd: moduleDir, env: bareEnv });

    const goOutput = goApp('output', 'output');
    const goSource = goApp('source', 'source');
    progress('s12: first synth of each GoFunction app, and a first bare go build (untimed: modules and build caches)');
    for (const app of [goOutput, goSource]) {
      const first = runGo(`s12-go-${app.key}-first`, app);
      if (!goRebuilt(first))
        throw new BenchError(`the first synth of the GoFunction app (${app.key}) did not bundle:\n${tail(first.log, 10)}`);
    }
    bareGo('s12-bare-go-first');
    const bootstrap = path.join(newestAsset(goOutput.outdir), 'bootstrap');
    raw.bootstrapBytes = fs.statSync(bootstrap).size;
    raw.sameAsBare = sha256(fs.readFileSync(bootstrap)) === sha256(fs.readFileSync(path.join(bareOut, 'bootstrap')));
    notes.push(
      `GoFunction's bootstrap: ${raw.bootstrapBytes} bytes (${probe('file', ['-b', bootstrap]) ?? '?'}); ` +
        `${raw.sameAsBare ? 'the same bytes as' : 'NOT the same bytes as'} the bare go build's (same module, another build cache)`,
    );

    // Ours: scenario 2's and 3's app (one RustFunction on a greeter copy with a warm target cache).
    let ours: OursApp | undefined;
    if (!ctx.dev) {
      notes.push('ours: not measured (its builds need the development environment, which was not loaded): Go side only');
      raw.oursNotMeasured = 'no development environment';
    } else {
      try {
        ours = wb.ensureOursApp();
        wb.runApp('s12-ours-nc-warmup', 'ours', ours.configFile);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        notes.push(`ours: not measured: ${reason}`);
        raw.oursNotMeasured = reason;
      }
    }

    const OURS_NC = 'ours: RustFunction, no-change re-synth';
    const GO_NC = 'GoFunction (default: hash of the output), no-change re-synth';
    const GO_SRC_NC = 'GoFunction, assetHashType SOURCE, no-change re-synth';
    const BARE_NC = 'bare go build, no change';
    const OURS_EDIT = 'ours: RustFunction, re-synth after a one-line change';
    const GO_EDIT = 'GoFunction (default), re-synth after a one-line change';
    const GO_SRC_EDIT = 'GoFunction, assetHashType SOURCE, re-synth after a one-line change';
    const BARE_EDIT = 'bare go build after the same edit';
    const s: Samples = new Map();

    const goVariant = (row: string, app: GoApp, label: string, tagOf?: (r: number) => string): Variant => ({
      name: row,
      run: (r) => {
        const t = runGo(`s12-go-${app.key}-${label}-${r + 1}`, app);
        countRun(rebuilds, row, goRebuilt(t));
        if (tagOf && !assetHas(app.outdir, tagOf(r))) notes.push(`${row}, run ${r + 1}: the new asset does not contain the edit!`);
        return { seconds: t.seconds };
      },
    });
    const oursVariant = (row: string, app: OursApp, label: string, tagOf?: (r: number) => string): Variant => ({
      name: row,
      run: (r) => {
        const t = wb.runApp(`s12-ours-${label}-${r + 1}`, 'ours', app.configFile);
        countRun(rebuilds, row, oursRebuilt(t));
        if (tagOf && !assetHas(app.outdir, tagOf(r))) notes.push(`${row}, run ${r + 1}: the new asset does not contain the edit!`);
        return { seconds: t.seconds, work: cargoWork(t.log) };
      },
    });
    const bareVariant = (row: string, label: string): Variant => ({
      name: row,
      run: (r) => ({ seconds: bareGo(`s12-bare-go-${label}-${r + 1}`).seconds }),
    });

    // (a) No change.
    const ncRuns = ctx.options.noChangeRuns;
    sideBySide(
      s,
      ncRuns,
      [
        [
          ...(ours ? [oursVariant(OURS_NC, ours, 'nc')] : []),
          goVariant(GO_NC, goOutput, 'nc'),
          goVariant(GO_SRC_NC, goSource, 'nc'),
          bareVariant(BARE_NC, 'nc'),
        ],
      ],
      (r) => progress(`s12 no-change run ${r + 1}/${ncRuns}`),
    );

    // (b) A one-line change, before every round.
    const editRuns = ctx.options.oneLineRuns;
    const stamp = Date.now().toString(36);
    const tagOf = (r: number) => `s12-${stamp}-${r + 1}`;
    sideBySide(
      s,
      editRuns,
      [
        [
          ...(ours ? [oursVariant(OURS_EDIT, ours, 'edit', tagOf)] : []),
          goVariant(GO_EDIT, goOutput, 'edit', tagOf),
          goVariant(GO_SRC_EDIT, goSource, 'edit', tagOf),
          bareVariant(BARE_EDIT, 'edit'),
        ],
      ],
      (r) => {
        const tag = tagOf(r);
        editGoGreeting(moduleDir, tag);
        if (ours) editGreeting(ours.greeterDir, tag, wb.greeterDeps);
        progress(`s12 one-line change run ${r + 1}/${editRuns}: edit "${tag}"`);
      },
    );

    const rebuiltNote = (row: string): string => {
      const r = rebuilds[row];
      return r ? `rebuilt ${r.rebuilt}/${r.runs}` : '';
    };
    const row = (variant: string, extra: Partial<Row> = {}): Row => rowOf(s, variant, { note: rebuiltNote(variant), ...extra });
    notes.push(
      `GoFunction = @aws-cdk/aws-lambda-go-alpha ${alphaVersion}, local bundling with ${goVersion.replace(/^go version /, '')}; GOFLAGS="${GOFLAGS}", CGO off (as examples/go-and-rust.ts); the app holds the GoFunction alone, ours one RustFunction with its defaults (role, log group, alarm, topic)`,
      "GoFunction's default assetHashType is OUTPUT: the hash is the built binary's, so every synth runs `go build` (short when Go's build cache is warm) before CDK can tell that nothing changed; with SOURCE, CDK fingerprints the module directory and skips bundling while that asset exists",
      'one Go build cache (GOCACHE) per variant in the work dir, warmed by an untimed first synth; bare = `go build` alone in the same module, same environment and flags',
      'note = in how many measured runs the construct rebuilt (`Bundling asset` for GoFunction, `[cdk-rust] building` for ours); the edit rows must rebuild every time',
    );
    return {
      id: '12',
      title: TITLE,
      notes,
      rows: [
        row(OURS_NC),
        row(GO_NC, { ref: OURS_NC }),
        row(GO_SRC_NC, { ref: OURS_NC }),
        row(BARE_NC),
        row(OURS_EDIT),
        row(GO_EDIT, { ref: OURS_EDIT }),
        row(GO_SRC_EDIT, { ref: OURS_EDIT }),
        row(BARE_EDIT),
      ],
    };
  },
};
