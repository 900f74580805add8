/**
 * Go, for real: the Go module that `npm run package` writes to dist/go/cdkrust, used by the Go example app
 * (examples/go, whose go.mod replaces the module with that folder) together with aws-cdk-go from the Go module
 * proxy. The app builds the greeter crate in Docker, and its template is the one TypeScript synthesizes from the
 * same constructs; bad input fails as clearly as it does in TypeScript, naming the prop as Go spells it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RustFunction } from '../../lib';
import { describeBinary, devEnv, tempDir } from '../support';
import { comparableTemplate, packagedPath, runTool, rustBootstrap } from './support';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'go');

/** Runs `go run <pkg>` in examples/go, as cdk.json does. */
function goRun(pkg: string, env: NodeJS.ProcessEnv = {}) {
  return runTool('go', ['run', pkg], { cwd: EXAMPLE, env });
}

/** The same constructs as examples/go (main.go), in TypeScript. */
function typeScriptTwin(outdir: string): Template {
  const app = new App({ outdir });
  const stack = new Stack(app, 'CdkRustGo');
  new RustFunction(stack, 'Greeter', {
    manifestPath: path.join(ROOT, 'examples', 'greeter', 'Cargo.toml'),
    errorRateAlarm: { threshold: 10 },
  });
  return Template.fromStack(stack);
}

describe('Go: the Go module, a Go CDK app, and the same results as TypeScript', () => {
  let outdir: string;

  beforeAll(() => {
    devEnv();
    packagedPath('go', path.join('cdkrust', 'go.mod'));
    outdir = tempDir('go-out');
    // What cdk.json runs (`cdk synth` adds CDK_OUTDIR the same way).
    goRun('.', { CDK_OUTDIR: outdir });
  });

  test('the example app builds the greeter crate into a static bootstrap', () => {
    expect(describeBinary(rustBootstrap(outdir, 'CdkRustGo'))).toMatch(/statically linked|static-pie linked/);
  });

  test('its template is the one TypeScript synthesizes from the same constructs, asset hashes included', () => {
    const go = JSON.parse(fs.readFileSync(path.join(outdir, 'CdkRustGo.template.json'), 'utf-8'));
    const typescript = typeScriptTwin(tempDir('go-twin')).toJSON();
    expect(comparableTemplate(go)).toEqual(comparableTemplate(typescript));
    expect(Object.keys(comparableTemplate(go).Resources).length).toBeGreaterThan(5);
  });

  test('a bad profile: a panic with the code, the prop as Go spells it (PascalCase), and the fix', () => {
    const { stdout } = goRun('./cmd/badprofile');
    const [raised, ...message] = stdout.split('\n');
    expect(raised).toBe('raised *errors.errorString');
    expect(message.join('\n')).toMatch(
      /^\[INVALID_PROP\] Errors\/BadProfile: Bundling\.Profile: "fast build" is not a valid Cargo profile name\.\nFix: /,
    );
    // Cargo's own table name in the fix is not a prop, and keeps Cargo's spelling.
    expect(message.join('\n')).toContain('[profile.<name>]');
  });
});
