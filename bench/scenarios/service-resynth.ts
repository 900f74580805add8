/**
 * Scenario 14: the example service's app, whole `node app.js` processes, side by side:
 *   (a) re-synth with no change: one RustService configured as examples/rust-service.ts (already built) against the
 *       floor, the same service shape from aws-ecs-patterns on the prebuilt docker-archive
 *       (`ecs.ContainerImage.fromTarball(<the same image.tar>)`), and RustService with its alarms off;
 *   (b) a one-line change of the service's `src/main.rs` (a new string every round, on the app's copy of the crate):
 *       our re-synth, which builds a new image archive, against a bare incremental `cargo build --release` of the same
 *       edit in the same builder image (`docker run`, as scenario 3's).
 */
import * as fs from 'fs';
import * as path from 'path';
import { archiveHas, newestImageArchive } from '../assembly-assets';
import { Context, Scenario } from '../context';
import { editServiceGreeting } from '../fixtures/edits';
import { Samples, Timed, cargoWork, median, progress, rowOf, sideBySide, timeNoChangeSynths } from '../support';

const TITLE = 'Service app (examples/service): no-change re-synth and a one-line change';

export const serviceResynth: Scenario = {
  id: '14',
  name: 'service-resynth',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const app = wb.service.ensureApp();
    const notes: string[] = [];
    const s: Samples = new Map();

    // (a) No change. The floor publishes a copy of the image.tar RustService staged (the bytes it would deploy).
    const prebuilt = path.join(ctx.work, 'prebuilt-service');
    fs.mkdirSync(prebuilt, { recursive: true });
    const tarball = path.join(prebuilt, 'image.tar');
    fs.copyFileSync(newestImageArchive(app.outdir), tarball);
    const floorConfig = wb.service.writeConfig({ outdir: path.join(ctx.work, 'service-floor-app.out'), tarball });
    const OURS = 'ours: RustService, no change';
    const NOALARMS = 'ours: RustService, alarms off, no change';
    const FLOOR = 'floor: ecs-patterns + ContainerImage.fromTarball, no change';
    const variants: Array<[string, () => Timed]> = [
      [OURS, () => wb.service.runApp('s14-ours', 'service', app.configFile)],
      [FLOOR, () => wb.service.runApp('s14-floor', 'service-floor', floorConfig)],
      [NOALARMS, () => wb.service.runApp('s14-ours-noalarms', 'service', app.configNoAlarms)],
    ];
    const builds = timeNoChangeSynths(s, ctx.options.noChangeRuns, variants, 's14');
    notes.push(
      'no change: whole processes (node startup + aws-cdk-lib + constructs + synth), the same Node and compiled JS for all; the floor is ' +
        "aws-ecs-patterns' ApplicationLoadBalancedFargateService on ContainerImage.fromTarball(a copy of the image.tar RustService staged); " +
        `ours started ${builds} builds during the measured runs (0 expected: the image exists)`,
      'what differs: RustService adds its four alarms and the stack\'s KMS-encrypted AlarmTopic (the "alarms off" row leaves them out), ' +
        'a log group of its own (one month), the read-only root file system with a /tmp volume, the non-root user in the task definition, ' +
        "the listener's own ingress rule and cdk-nag acknowledgements; both have the same VPC shape (2 AZs, 1 NAT, flow logs), a cluster " +
        'with Container Insights, 2 tasks of 256/512, the circuit breaker, the container health check (`/app/service healthcheck`), ' +
        'the /health target group check and CPU + request-count scaling. Both stage the same image.tar as a TarballImageAsset (hashing it)',
    );

    // (b) A one-line change of main.rs: our re-synth (new image archive) against a bare incremental cargo build.
    const bare = wb.service.ensureBare();
    const OURS_EDIT = 'ours: re-synth after a one-line change';
    const BARE_EDIT = 'bare incremental cargo build, docker run';
    const editRuns = ctx.options.oneLineRuns;
    const stamp = Date.now().toString(36);
    const tagOf = (r: number) => `svc-line-${stamp}-${r + 1}`;
    const buildSeconds: number[] = [];
    sideBySide(
      s,
      editRuns,
      [
        [
          {
            name: OURS_EDIT,
            run: (r) => {
              const t = wb.service.runApp(`s14-ours-edit-${r + 1}`, 'service', app.configFile);
              if (!archiveHas(app.outdir, tagOf(r))) notes.push(`one-line run ${r + 1}: the new image archive does not contain the edit!`);
              const built = /\[cdk-rust\] built \S+: .* in (\d+(?:\.\d+)?) s/.exec(t.log);
              if (built) buildSeconds.push(Number(built[1]));
              return { seconds: t.seconds, work: cargoWork(t.log) };
            },
          },
          {
            name: BARE_EDIT,
            run: (r) => {
              const t = wb.bareDockerBuild(`s14-bare-edit-${r + 1}`, bare);
              return { seconds: t.seconds, work: cargoWork(t.log) };
            },
          },
        ],
      ],
      (r) => {
        const tag = tagOf(r);
        editServiceGreeting(app.serviceDir, tag);
        fs.copyFileSync(path.join(app.serviceDir, 'src', 'main.rs'), path.join(bare, 'src', 'main.rs'));
        progress(`s14 one-line run ${r + 1}/${editRuns}: edit "${tag}"`);
      },
    );
    notes.push(
      'one-line change: ours = the whole `node service.js` (hash, Docker context, cargo fetch step, cargo build, export, image archive, ' +
        'TarballImageAsset staging); bare = one docker run of `cargo build --release --locked --target x86_64-unknown-linux-musl` (a ' +
        'registry volume filled by cargo fetch); crates = crates cargo compiled per run (1 = only the service)',
      `first synth of the RustService app (untimed): ${app.seconds.toFixed(0)} s`,
    );
    const med = (name: string) => (s.get(name)?.samples.length ? median(s.get(name)!.samples) : undefined);
    const [oursEdit, bareEdit, oursSame] = [med(OURS_EDIT), med(BARE_EDIT), med(OURS)];
    if (oursEdit !== undefined && bareEdit !== undefined && oursSame !== undefined && buildSeconds.length) {
      notes.push(
        `where ours' one-line time goes (medians): the build (cdk-rust's "built ... in" line: Docker fetch + compile runs, export) ` +
          `${median(buildSeconds).toFixed(1)} s; the rest of the process ${(oursEdit - median(buildSeconds)).toFixed(1)} s, against ` +
          `${oursSame.toFixed(1)} s for the whole no-change synth; without the app's own synth, ours is ` +
          `${((oursEdit - oursSame) / bareEdit).toFixed(2)}x bare`,
      );
    }
    ctx.results.raw['14'] = { builds, firstSynthSeconds: app.seconds, oneLineBuildSeconds: buildSeconds };
    return {
      id: '14',
      title: TITLE,
      notes,
      rows: [
        rowOf(s, FLOOR),
        rowOf(s, OURS, { ref: FLOOR, targetMax: 1.2 }),
        rowOf(s, NOALARMS, { ref: FLOOR }),
        rowOf(s, BARE_EDIT),
        rowOf(s, OURS_EDIT, { ref: BARE_EDIT, targetMax: 1.5 }),
      ],
    };
  },
};
