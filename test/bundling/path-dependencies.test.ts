import * as fs from 'fs';
import * as path from 'path';
import { readCargoWorkspace } from '../../lib/bundling/cargo';
import { assetHash, collectInputs, hashInputs } from '../../lib/bundling/hash';
import { makeBuildPlan } from '../../lib/bundling/plan';
import { findExternalPathInputs } from '../../lib/bundling/path-dependencies';
import { tempDir, writeProjectFile } from '../support';

/**
 * The shape of awslabs/aws-lambda-rust-runtime: a workspace whose members inherit from its root manifest, and
 * an example with a `[workspace]` of its own that depends on a member by path.
 */
function runtimeRepository(): { repo: string; example: string } {
  const repo = tempDir('runtime-repo');
  const write = (file: string, text: string) => writeProjectFile(repo, file, text);
  write(
    'Cargo.toml',
    [
      '[workspace]',
      'resolver = "2"',
      'members = ["lambda-runtime", "lambda-runtime-api-client"]',
      'exclude = ["examples"]',
      '[workspace.package]',
      'version = "0.9.0"',
      'edition = "2021"',
      '[workspace.dependencies]',
      'lambda_runtime_api_client = { path = "lambda-runtime-api-client" }',
      '',
    ].join('\n'),
  );
  write(
    'lambda-runtime/Cargo.toml',
    [
      '[package]',
      'name = "lambda_runtime"',
      'version.workspace = true',
      'edition.workspace = true',
      '[dependencies]',
      'lambda_runtime_api_client = { workspace = true }',
      '',
    ].join('\n'),
  );
  write('lambda-runtime/src/lib.rs', "pub fn run() -> &'static str { lambda_runtime_api_client::NAME }\n");
  write(
    'lambda-runtime-api-client/Cargo.toml',
    '[package]\nname = "lambda_runtime_api_client"\nversion.workspace = true\nedition.workspace = true\n',
  );
  write('lambda-runtime-api-client/src/lib.rs', 'pub const NAME: &str = "client";\n');
  write('README.md', 'not an input\n');
  write(
    'examples/basic-lambda/Cargo.toml',
    [
      '[package]',
      'name = "basic-lambda"',
      'version = "0.1.0"',
      'edition = "2021"',
      '[workspace]',
      '[dependencies]',
      'lambda_runtime = { path = "../../lambda-runtime" }',
      '',
    ].join('\n'),
  );
  write('examples/basic-lambda/src/main.rs', 'fn main() { println!("{}", lambda_runtime::run()); }\n');
  return { repo, example: path.join(repo, 'examples/basic-lambda/Cargo.toml') };
}

describe('path-dependencies: a path dependency into another workspace brings what cargo needs, and nothing else', () => {
  test("the other workspace's root manifest is found, and the path dependencies it declares for the inheriting crate", () => {
    const { repo } = runtimeRepository();
    const found = findExternalPathInputs(
      path.join(repo, 'examples/basic-lambda'),
      [path.join(repo, 'examples/basic-lambda')],
      [path.join(repo, 'lambda-runtime')],
    );
    expect(found.workspaceManifests).toEqual([path.join(repo, 'Cargo.toml')]);
    expect(found.directories).toEqual([path.join(repo, 'lambda-runtime'), path.join(repo, 'lambda-runtime-api-client')]);
  });

  test('a path dependency that inherits nothing brings no root manifest', () => {
    const { repo } = runtimeRepository();
    fs.writeFileSync(
      path.join(repo, 'lambda-runtime-api-client/Cargo.toml'),
      '[package]\nname = "lambda_runtime_api_client"\nversion = "0.9.0"\n',
    );
    const found = findExternalPathInputs(
      path.join(repo, 'examples/basic-lambda'),
      [path.join(repo, 'examples/basic-lambda')],
      [path.join(repo, 'lambda-runtime-api-client')],
    );
    expect(found.workspaceManifests).toEqual([]);
  });

  test('package.workspace names the root explicitly, as cargo honours it', () => {
    const { repo } = runtimeRepository();
    const elsewhere = path.join(repo, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.renameSync(path.join(repo, 'Cargo.toml'), path.join(elsewhere, 'Cargo.toml'));
    const manifest = path.join(repo, 'lambda-runtime/Cargo.toml');
    fs.writeFileSync(
      manifest,
      fs.readFileSync(manifest, 'utf-8').replace('version.workspace', 'workspace = "../elsewhere"\nversion.workspace'),
    );
    const found = findExternalPathInputs(
      path.join(repo, 'examples/basic-lambda'),
      [path.join(repo, 'examples/basic-lambda')],
      [path.join(repo, 'lambda-runtime')],
    );
    expect(found.workspaceManifests).toEqual([path.join(elsewhere, 'Cargo.toml')]);
  });

  test("the plan puts that root manifest in the build context and the hash, and the repository's other files stay out", () => {
    const { repo, example } = runtimeRepository();
    const plan = makeBuildPlan(readCargoWorkspace(example), { env: {} });
    expect(plan.contextRoot).toBe(fs.realpathSync(repo));
    const inputs = collectInputs(plan).inputs.map((i) => i.relative);
    expect(inputs).toEqual(
      expect.arrayContaining([
        'Cargo.toml',
        'lambda-runtime/Cargo.toml',
        'lambda-runtime-api-client/src/lib.rs',
        'examples/basic-lambda/src/main.rs',
      ]),
    );
    expect(inputs).not.toContain('README.md');
    const hashOf = () => assetHash(plan, hashInputs(collectInputs(plan).inputs), 'recipe');
    const before = hashOf();
    fs.appendFileSync(path.join(repo, 'Cargo.toml'), '# an edit to the other workspace\n');
    expect(hashOf()).not.toBe(before);
  });

  test('[patch] forks under vendor/, no members, are inputs with their own path dependencies', () => {
    const root = tempDir('patched');
    const write = (file: string, text: string) => writeProjectFile(root, file, text);
    write(
      'Cargo.toml',
      '[workspace]\nmembers = ["app"]\nresolver = "2"\n[patch.crates-io]\nitoa = { path = "vendor/itoa" }\n[patch."https://github.com/dtolnay/ryu"]\nryu = { path = "vendor/ryu" }\n',
    );
    write('app/Cargo.toml', '[package]\nname = "app"\nversion = "0.1.0"\n[dependencies]\nitoa = "1"\n');
    write('app/src/main.rs', 'fn main() {}\n');
    write(
      'vendor/itoa/Cargo.toml',
      '[package]\nname = "itoa"\nversion = "1.0.19"\n[dependencies]\nitoa-core = { path = "../itoa-core" }\n',
    );
    write('vendor/itoa-core/Cargo.toml', '[package]\nname = "itoa-core"\nversion = "0.1.0"\n');
    write('vendor/ryu/Cargo.toml', '[package]\nname = "ryu"\nversion = "1.0.0"\n');
    write('docs/notes.md', 'not an input\n');
    const plan = makeBuildPlan(readCargoWorkspace(path.join(root, 'Cargo.toml')), { env: {}, binaryName: 'app' });
    const inputs = collectInputs(plan).inputs.map((i) => i.relative);
    expect(inputs).toEqual(expect.arrayContaining(['vendor/itoa/Cargo.toml', 'vendor/itoa-core/Cargo.toml', 'vendor/ryu/Cargo.toml']));
    expect(inputs).not.toContain('docs/notes.md');
  });
});
