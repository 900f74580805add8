/**
 * Scenario 19: the same builds through a remote BuildKit builder and on the local Docker daemon. The
 * development environment starts a `buildkitd` on a loopback address and registers it as a buildx
 * builder (`CDK_RUST_TEST_REMOTE_BUILDER`, in the buildx client's config `CDK_RUST_TEST_BUILDX_CONFIG`);
 * the builder image is in the loopback registry by digest (`CDK_RUST_TEST_REMOTE_IMAGE`). Per round, a
 * cold synth of greeter (a fresh copy, so a cold target cache on both sides), then one-line changes on
 * the last copies. Both sides' shared caches (registry cache mount, builder image) are warmed first.
 */
import * as path from 'path';
import { assetHas } from '../assembly-assets';
import { Context, Scenario } from '../context';
import { editGreeting } from '../fixtures/edits';
import { Samples, Timed, cargoWork, progress, rowOf, sideBySide } from '../support';
import { Workbench } from '../workbench';

const TITLE = 'Remote BuildKit builder (buildx remote driver) versus the local daemon';

/** One side: how its app is configured and with which environment it runs. */
interface Side {
  readonly label: 'local' | 'remote';
  readonly bundling?: Record<string, unknown>;
  readonly env: NodeJS.ProcessEnv;
}

/** A greeter copy with its app, for one side. */
interface Copy {
  readonly dir: string;
  readonly config: string;
  readonly outdir: string;
}

function freshCopy(wb: Workbench, side: Side, label: string): Copy {
  const dir = wb.freshGreeter(label);
  const outdir = path.join(path.dirname(dir), 'cdk.out');
  const config = wb.writeConfig({
    outdir,
    functions: [{ id: 'Greeter', manifestPath: path.join(dir, 'Cargo.toml') }],
    ...(side.bundling ? { bundling: side.bundling } : {}),
  });
  return { dir, config, outdir };
}

/** Why the scenario cannot run here, or its two sides. */
function sides(ctx: Context): Side[] | string {
  const builder = ctx.env.CDK_RUST_TEST_REMOTE_BUILDER;
  const image = ctx.env.CDK_RUST_TEST_REMOTE_IMAGE;
  const config = ctx.env.CDK_RUST_TEST_BUILDX_CONFIG;
  const missing = Object.entries({
    CDK_RUST_TEST_REMOTE_BUILDER: builder,
    CDK_RUST_TEST_REMOTE_IMAGE: image,
    CDK_RUST_TEST_BUILDX_CONFIG: config,
  })
    .filter(([, value]) => !value)
    .map(([key]) => key);
  if (missing.length)
    return `not measured: ${missing.join(', ')} not set (.dev-env/env.json has no remote builder: run scripts/dev-env.sh up)`;
  const client = ctx.env.CDK_RUST_TEST_BUILDX_DOCKER || '/usr/local/bin/docker';
  const local = ctx.workbench.appEnv();
  return [
    { label: 'local', env: local },
    { label: 'remote', bundling: { builder, builderImage: image }, env: { ...local, CDK_DOCKER: client, DOCKER_CONFIG: config } },
  ];
}

export const remoteBuilder: Scenario = {
  id: '19',
  name: 'remote-builder',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const found = sides(ctx);
    if (typeof found === 'string') return { id: '19', title: TITLE, rows: [], notes: [found] };
    const s: Samples = new Map();
    const notes: string[] = [];
    const cold = (side: Side) => `${side.label}: cold synth of greeter`;
    const edit = (side: Side) => `${side.label}: one-line change, re-synth`;
    const synth = (side: Side, copy: Copy, name: string): Timed => wb.runApp(name, 'ours', copy.config, side.env);
    // Warm each side's shared caches (the registry cache mount lives on the builder; the builder pulls its image).
    for (const side of found) {
      progress(`s19: warming the ${side.label} builder's shared caches (a cold greeter synth, untimed)`);
      synth(side, freshCopy(wb, side, `s19-${side.label}-warmup`), `s19-${side.label}-warmup`);
    }
    const last = new Map<string, Copy>();
    const coldRuns = ctx.options.coldRuns;
    sideBySide(
      s,
      coldRuns,
      [
        found.map((side) => ({
          name: cold(side),
          run: (r: number) => {
            const copy = freshCopy(wb, side, `s19-${side.label}-cold-${r + 1}`);
            const t = synth(side, copy, `s19-${side.label}-cold-${r + 1}`);
            last.set(side.label, copy);
            return { seconds: t.seconds, work: cargoWork(t.log) };
          },
        })),
      ],
      (r) => progress(`s19 cold round ${r + 1}/${coldRuns}`),
    );
    const runs = ctx.options.oneLineRuns;
    const stamp = Date.now().toString(36);
    const tagOf = (r: number) => `remote-${stamp}-${r + 1}`;
    sideBySide(
      s,
      runs,
      [
        found.map((side) => ({
          name: edit(side),
          run: (r: number) => {
            const copy = last.get(side.label)!;
            const t = synth(side, copy, `s19-${side.label}-edit-${r + 1}`);
            if (!assetHas(copy.outdir, tagOf(r))) notes.push(`${side.label} run ${r + 1}: the new asset does not contain the edit!`);
            return { seconds: t.seconds, work: cargoWork(t.log) };
          },
        })),
      ],
      (r) => {
        for (const copy of last.values()) editGreeting(copy.dir, tagOf(r));
        progress(`s19 one-line change ${r + 1}/${runs}: "${tagOf(r)}"`);
      },
    );
    const [local, remote] = found;
    notes.push(
      `remote: bundling.builder ${String(remote.bundling?.builder)}, builderImage ${String(remote.bundling?.builderImage)}, ` +
        `client ${remote.env.CDK_DOCKER} with DOCKER_CONFIG ${remote.env.DOCKER_CONFIG}; local: ${local.env.CDK_DOCKER ?? 'docker'} on the local daemon`,
    );
    notes.push(
      'the remote buildkitd runs on this machine (loopback): this measures the path through buildx and the remote driver, not a bigger machine',
    );
    notes.push(
      `cold: fresh copies (cold target caches), warm registry caches on both builders; ${coldRuns} cold round(s) (--cold-runs), ${runs} one-line rounds`,
    );
    return {
      id: '19',
      title: TITLE,
      notes,
      rows: [
        rowOf(s, cold(local)),
        rowOf(s, cold(remote), { ref: cold(local) }),
        rowOf(s, edit(local)),
        rowOf(s, edit(remote), { ref: edit(local) }),
      ],
    };
  },
};
