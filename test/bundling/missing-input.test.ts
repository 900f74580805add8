import * as fs from 'fs';
import * as path from 'path';
import { ExcludedFile, InputFile } from '../../lib/bundling/hash';
import { MissingInputPlan, describeMissingInputs, findMissingInputs } from '../../lib/bundling/missing-input';
import { tempDir, writeProjectFile } from '../support';

// The failures below are cargo's and rustc's own words, captured by building a project whose files were missing
// (cargo 1.95), with the project's directory replaced by the build container's `/src`.

/** include_str! of a file outside the package, as a Docker build prints it (BuildKit's step prefixes kept). */
const INCLUDE_STR_LOG = [
  '#14 2.101    Compiling app v0.1.0 (/src/app)',
  "#14 2.300 error: couldn't read `src/../../shared/greeting.txt`: No such file or directory (os error 2)",
  '#14 2.300  --> src/main.rs:1:24',
  '#14 2.300   |',
  '#14 2.300 1 | const GREETING: &str = include_str!("../../shared/greeting.txt");',
  '#14 2.300   |                        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
  '#14 2.300 ',
  '#14 2.310 error: could not compile `app` (bin "app") due to 1 previous error',
  '#14 ERROR: process "/bin/sh -c cargo build" did not complete successfully: exit code: 101',
].join('\n');

/** A build script reading a file outside its package. */
const BUILD_SCRIPT_LOG = `   Compiling app v0.1.0 (/src/app)
error: failed to run custom build command for \`app v0.1.0 (/src/app)\`
note: To improve backtraces for build dependencies, set the CARGO_PROFILE_DEV_BUILD_OVERRIDE_DEBUG=true environment variable to enable debug information generation.

Caused by:
  process didn't exit successfully: \`/cdk-rust/target/release/build/app-17eb751571e7872b/build-script-build\` (exit status: 101)
  --- stdout
  cargo:rerun-if-changed=../data/x.txt

  --- stderr

  thread 'main' (13641) panicked at build.rs:3:57:
  called \`Result::unwrap()\` on an \`Err\` value: Os { code: 2, kind: NotFound, message: "No such file or directory" }
`;

/** A path dependency whose manifest inherits from its own workspace's root manifest, which is missing. */
const WORKSPACE_ROOT_LOG = `error: failed to get \`lib\` as a dependency of package \`app v0.1.0 (/src/app)\`

Caused by:
  failed to load source for dependency \`lib\`

Caused by:
  unable to update /src/other/lib

Caused by:
  failed to parse manifest at \`/src/other/lib/Cargo.toml\`

Caused by:
  error inheriting \`edition\` from workspace root manifest's \`workspace.package.edition\`

Caused by:
  failed to find a workspace root
`;

/** A failure of the user's own code: nothing is missing. */
const COMPILE_ERROR_LOG = `   Compiling app v0.1.0 (/src/app)
error[E0425]: cannot find value \`x\` in this scope
 --> src/main.rs:2:20
  |
2 |     println!("{}", x);
  |                    ^ not found in this scope
`;

/**
 * A repository `repo/` whose package `app/` (the workspace root) depends on `other/lib`, a member of another
 * workspace: the build context is `repo/` (`/src` in the container), holding `app/` and `other/lib/`.
 */
function repository(): { plan: MissingInputPlan; inputs: InputFile[]; write: (relative: string, text?: string) => void } {
  const repo = fs.realpathSync(tempDir('missing-input'));
  const write = (relative: string, text = 'x\n') => writeProjectFile(repo, relative, text);
  write('app/Cargo.toml', '[package]\nname = "app"\n');
  write('app/src/main.rs', 'fn main() {}\n');
  write('other/Cargo.toml', '[workspace]\nmembers = ["lib"]\n\n[workspace.package]\nedition = "2021"\n');
  write('other/lib/Cargo.toml', '[package]\nname = "lib"\nedition.workspace = true\n');
  write('other/lib/src/lib.rs', '');
  const plan: MissingInputPlan = {
    workspaceRoot: path.join(repo, 'app'),
    contextRoot: repo,
    workdir: 'app',
    inputDirs: [path.join(repo, 'app'), path.join(repo, 'other/lib')],
    inputFiles: [path.join(repo, 'app/Cargo.toml'), path.join(repo, 'app/Cargo.lock')],
  };
  const inputs = ['app/Cargo.toml', 'app/src/main.rs', 'other/lib/Cargo.toml', 'other/lib/src/lib.rs'].map((relative) => ({
    relative,
    absolute: path.join(repo, relative),
  }));
  return { plan, inputs, write };
}

describe('missing-input: a failed build that reads a file cdk-rust left out of its context names the file and why', () => {
  test("include_str! of a file outside every member and path dependency: rustc's path, relative to the workspace root", () => {
    const { plan, inputs, write } = repository();
    write('shared/greeting.txt', 'hello\n');
    const missing = findMissingInputs(INCLUDE_STR_LOG, plan, { inputs, excluded: [] });
    expect(missing).toEqual([
      { absolute: path.join(plan.contextRoot, 'shared/greeting.txt'), relative: '../shared/greeting.txt', reason: 'outside' },
    ]);
    const described = describeMissingInputs(missing);
    expect(described?.problem).toContain(
      'cdk-rust left out of its build context: ../shared/greeting.txt (outside every workspace member and path dependency',
    );
    expect(described?.problem).toContain('This is not your code failing');
    expect(described?.fix).toMatch(/^Add the file or its directory to bundling.include \(a path relative to the workspace root/);
  });

  test('a single package, built in /src itself: the `..` of the path still lead out of the context, to the file on the host', () => {
    const { plan, inputs, write } = repository();
    write('shared/greeting.txt', 'hello\n');
    const app = plan.workspaceRoot;
    const single = { ...plan, contextRoot: app, workdir: '', inputDirs: [app] };
    const appInputs = inputs.filter((i) => i.relative.startsWith('app/')).map((i) => ({ ...i, relative: i.relative.slice('app/'.length) }));
    const log = INCLUDE_STR_LOG.replace('(/src/app)', '(/src)');
    expect(findMissingInputs(log, single, { inputs: appInputs, excluded: [] })).toEqual([
      { absolute: path.join(plan.contextRoot, 'shared/greeting.txt'), relative: '../shared/greeting.txt', reason: 'outside' },
    ]);
  });

  test("a build script's file: its cargo:rerun-if-changed path, relative to its package", () => {
    const { plan, inputs, write } = repository();
    write('data/x.txt');
    expect(findMissingInputs(BUILD_SCRIPT_LOG, plan, { inputs, excluded: [] })).toEqual([
      { absolute: path.join(plan.contextRoot, 'data/x.txt'), relative: '../data/x.txt', reason: 'outside' },
    ]);
  });

  test("a path dependency's workspace root manifest that cargo could not find", () => {
    const { plan, inputs } = repository();
    expect(findMissingInputs(WORKSPACE_ROOT_LOG, plan, { inputs, excluded: [] })).toEqual([
      { absolute: path.join(plan.contextRoot, 'other/Cargo.toml'), relative: '../other/Cargo.toml', reason: 'outside' },
    ]);
  });

  test('a file matching bundling.exclude says so, and the fix is to remove the pattern', () => {
    const { plan, inputs, write } = repository();
    write('app/config/base.yaml');
    const log = "error: couldn't read `src/../config/base.yaml`: No such file or directory (os error 2)";
    const excluded: ExcludedFile[] = [{ relative: 'app/config/', reason: 'excluded' }];
    const missing = findMissingInputs(log, plan, { inputs, excluded });
    expect(missing).toEqual([
      { absolute: path.join(plan.workspaceRoot, 'config/base.yaml'), relative: 'config/base.yaml', reason: 'excluded' },
    ]);
    expect(describeMissingInputs(missing)?.problem).toContain('config/base.yaml (it matches bundling.exclude)');
    expect(describeMissingInputs(missing)?.fix).toContain('from bundling.exclude');
  });

  test('a file that looks like credentials says so, and the fix is bundling.buildSecrets', () => {
    const { plan, inputs, write } = repository();
    write('app/.env', 'TOKEN=1\n');
    const log = "error: couldn't read `/src/app/.env`: No such file or directory (os error 2)";
    const missing = findMissingInputs(log, plan, { inputs, excluded: [{ relative: 'app/.env', reason: 'secret' }] });
    expect(missing.map((m) => [m.relative, m.reason])).toEqual([['.env', 'secret']]);
    expect(describeMissingInputs(missing)?.problem).toContain('.env (it looks like credentials or a private key)');
    expect(describeMissingInputs(missing)?.fix).toContain('bundling.buildSecrets');
  });

  test("the user's own compile error, a file missing on the host too, and a file that was sent are not cdk-rust's", () => {
    const { plan, inputs } = repository();
    expect(findMissingInputs(COMPILE_ERROR_LOG, plan, { inputs, excluded: [] })).toEqual([]);
    expect(findMissingInputs(INCLUDE_STR_LOG, plan, { inputs, excluded: [] })).toEqual([]);
    const sent = "error: couldn't read `src/main.rs`: Permission denied (os error 13)";
    expect(findMissingInputs(sent, plan, { inputs, excluded: [] })).toEqual([]);
    expect(describeMissingInputs([])).toBeUndefined();
  });

  test('paths outside the context, such as the registry sources, are never mapped to the project', () => {
    const { plan, inputs, write } = repository();
    write('src/lib.rs');
    const log = 'error: could not compile `foo`\n --> /usr/local/cargo/registry/src/lib.rs:1:1\n';
    expect(findMissingInputs(log, plan, { inputs, excluded: [] })).toEqual([]);
  });
});
