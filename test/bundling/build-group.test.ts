import { BuildGroup, groupBuilds, groupKeyOf } from '../../lib/bundling/build-group';
import { Bundling, BundlingProps, PreparedBuild } from '../../lib/bundling/bundling';
import { fixture } from '../support';

const WORKSPACE = fixture('workspace');

/** A Docker build of a bin of the workspace fixture (no Docker asked: the image is not resolved). */
function prepared(props: Partial<BundlingProps> & { binaryName: string }): PreparedBuild {
  return Bundling.prepare(
    { manifestPath: WORKSPACE, builderImage: 'builder:1', forceDockerBundling: true, ...props },
    { resolveImage: false },
  );
}

const binsOf = (group: BuildGroup) => group.bins.map((b) => b.binaryName);

describe('build-group: builds that differ only in their bin share one cargo invocation', () => {
  test('bins of one workspace with the same settings form one group, in registration order', () => {
    const builds = ['gamma', 'alpha', 'beta'].map((binaryName) => prepared({ binaryName }));
    const { groups, alone } = groupBuilds(builds);
    expect(groups.map(binsOf)).toEqual([['gamma', 'alpha', 'beta']]);
    expect(alone).toEqual([]);
  });

  test('a different target, profile, environment or builder image keeps builds apart', () => {
    const base = prepared({ binaryName: 'alpha' });
    for (const other of [
      prepared({ binaryName: 'beta', target: 'x86_64-unknown-linux-gnu' }),
      prepared({ binaryName: 'beta', profile: 'dev' }),
      prepared({ binaryName: 'beta', buildEnvironment: { A: '1' } }),
      prepared({ binaryName: 'beta', builderImage: 'builder:2' }),
      prepared({ binaryName: 'beta', cargoArgs: ['--verbose'] }),
    ]) {
      expect(groupKeyOf(other)).not.toBe(groupKeyOf(base));
      const { groups, alone } = groupBuilds([base, other]);
      expect(groups).toEqual([]);
      expect(alone).toEqual([base, other]);
    }
  });

  test("features are a package's own: builds that select them group only with builds of the same package", () => {
    expect(groupKeyOf(prepared({ binaryName: 'alpha', features: ['x'] }))).not.toBe(
      groupKeyOf(prepared({ binaryName: 'beta', features: ['x'] })),
    );
    expect(groupKeyOf(prepared({ binaryName: 'alpha', features: ['x'] }))).toBe(
      groupKeyOf(prepared({ binaryName: 'alpha', features: ['x'] })),
    );
  });

  test('a build with the host toolchain always runs alone', () => {
    const local = { ...prepared({ binaryName: 'alpha' }), localToolchain: 'rustc 1.95.0' };
    expect(groupKeyOf(local)).toBeUndefined();
    expect(groupBuilds([local, prepared({ binaryName: 'beta' })]).groups).toEqual([]);
  });

  test('two builds of one bin share it; the group exports what any member needs besides the binary', () => {
    const fn = prepared({ binaryName: 'alpha' });
    const image = prepared({ binaryName: 'alpha', containerImage: { zoneinfo: true } });
    const { groups } = groupBuilds([fn, image, prepared({ binaryName: 'beta' })]);
    expect(groups.map(binsOf)).toEqual([['alpha', 'beta']]);
    expect(groups[0].members).toHaveLength(3);
    expect(groups[0].prepared.plan).toMatchObject({ caBundle: true, zoneinfo: true });
  });

  test('bins of the same name from two packages never share an invocation', () => {
    const a = prepared({ binaryName: 'alpha' });
    const clash = { ...prepared({ binaryName: 'beta' }) };
    const renamed = { ...clash, plan: { ...clash.plan, binaryName: 'alpha' } };
    const { groups, alone } = groupBuilds([a, renamed, prepared({ binaryName: 'gamma' })]);
    expect(groups.map(binsOf)).toEqual([['alpha', 'gamma']]);
    expect(alone).toEqual([renamed]);
  });
});
