/**
 * Scenario 8: the peer `cargo-lambda-cdk` 0.0.36 (cargo-lambda 1.9.2 + zig from PyPI, installed into
 * the work dir): cold greeter, no-change re-synth (side by side with ours), N-function workspace.
 * Ours are this run's numbers of scenarios 1 and 5 (published in the results), and of a no-change
 * re-synth run here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { newestAsset } from '../assembly-assets';
import { Context, Scenario } from '../context';
import { functionNames } from '../fixtures/workspace';
import { PEER_NPM, PEER_PIP, Peer, ensurePeer } from '../peer-install';
import { Row, Samples, cargoWork, probe, progress, rowOf, sample, sideBySide } from '../support';
import { GNU } from '../workbench';

const TITLE = 'The peer: cargo-lambda-cdk';

export const peerCargoLambdaCdk: Scenario = {
  id: '8',
  name: 'peer-cargo-lambda-cdk',
  title: TITLE,
  needsDevEnv: true,
  slow: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const n = ctx.options.workspaceFunctions;
    const notes: string[] = [];
    const s: Samples = new Map();
    const OURS_LOCAL = 'ours, local gnu, cold (scenario 1)';
    const OURS_DOCKER = 'ours, Docker musl, cold (scenario 1)';
    const PEER_COLD = 'peer: greeter, cold';
    const OURS_NC = 'ours: no-change re-synth';
    const PEER_NC = 'peer: no-change re-synth (rebuilds)';
    const OURS_WS = `ours: ${n} functions, cold (scenario 5)`;
    const PEER_WS = `peer: ${n} functions, cold`;
    const rows = (): Row[] => [
      rowOf(s, OURS_LOCAL),
      rowOf(s, OURS_DOCKER),
      rowOf(s, PEER_COLD, { ref: OURS_LOCAL }),
      rowOf(s, OURS_NC),
      rowOf(s, PEER_NC, { ref: OURS_NC }),
      rowOf(s, OURS_WS),
      rowOf(s, PEER_WS, { ref: OURS_WS }),
    ];
    for (const [variant, key] of [
      [OURS_LOCAL, 'oursLocalCold'],
      [OURS_DOCKER, 'oursDockerCold'],
      [OURS_WS, 'oursWsMany'],
    ] as const) {
      for (const v of ctx.results.published[key] ?? []) sample(s, variant, v);
    }
    let peer: Peer;
    try {
      peer = ensurePeer(ctx, wb, 's8');
      notes.push(peer.installNote);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { id: '8', title: TITLE, rows: [], notes: [`not measured: ${reason}`] };
    }
    const raw: Record<string, unknown> = { versions: peer.versions };
    ctx.results.raw['8'] = raw;
    wb.ensureHostFetch();
    try {
      // Cold greeter.
      const greeter = wb.freshGreeter('s8-peer-greeter');
      const outdir = path.join(path.dirname(greeter), 'cdk.out');
      const config = wb.writeConfig({ outdir, functions: [{ id: 'Greeter', manifestPath: path.join(greeter, 'Cargo.toml') }] });
      progress('s8: peer cold build of greeter');
      const cold = wb.runApp('s8-peer-cold', 'peer', config, peer.env);
      sample(s, PEER_COLD, cold.seconds, cargoWork(cold.log));
      const peerBootstrap = path.join(newestAsset(outdir), 'bootstrap');
      const size = fs.statSync(peerBootstrap).size;
      notes.push(`peer's greeter bootstrap: ${size} bytes (${probe('file', ['-b', peerBootstrap]) ?? '?'})`);
      raw.peerBootstrapBytes = size;

      // No-change re-synth, side by side with ours.
      const app = wb.ensureOursApp();
      progress('s8: no-change re-synth, peer and ours interleaved');
      wb.runApp('s8-ours-nc-warmup', 'ours', app.configFile);
      sideBySide(s, ctx.options.noChangeRuns, [
        [
          {
            name: PEER_NC,
            run: (r) => {
              const t = wb.runApp(`s8-peer-nc-${r + 1}`, 'peer', config, peer.env);
              return { seconds: t.seconds, work: cargoWork(t.log) };
            },
          },
          { name: OURS_NC, run: (r) => ({ seconds: wb.runApp(`s8-ours-nc-${r + 1}`, 'ours', app.configFile).seconds }) },
        ],
      ]);

      // The workspace of N functions: N separate cargo lambda builds in one synth.
      const ws = wb.copyWorkspace(n, 's8-peer-ws');
      const wsConfig = wb.writeConfig({
        outdir: path.join(path.dirname(ws), 'cdk.out'),
        functions: functionNames(n).map((name) => ({ id: name, manifestPath: path.join(ws, 'Cargo.toml'), binaryName: name })),
      });
      progress(`s8: peer, workspace of ${n} functions (cold)`);
      const wsRun = wb.runApp(`s8-peer-ws-${n}`, 'peer', wsConfig, peer.env);
      const work = cargoWork(wsRun.log);
      sample(s, PEER_WS, wsRun.seconds, work);
      notes.push(
        `peer workspace: ${work.builds} cargo builds, cargo's own time ${work.cargoSeconds.toFixed(1)} s of ${wsRun.seconds.toFixed(1)} s wall`,
      );
    } catch (error) {
      notes.push(`FAILED part-way: ${error instanceof Error ? error.message : String(error)}`);
    }
    notes.push(
      `peer = ${PEER_NPM} with cargo-lambda ${PEER_PIP[0].split('==')[1]} + zig from PyPI, local bundling (\`cargo lambda build\`, ${GNU}, zig as linker, host toolchain)`,
    );
    notes.push(
      'its asset hash is the output\'s, so every synth runs cargo lambda build; the "scenario 1/5" rows are this run\'s numbers from those scenarios',
    );
    return { id: '8', title: TITLE, rows: rows(), notes };
  },
};
