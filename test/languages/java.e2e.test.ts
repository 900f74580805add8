/**
 * Java, for real: the Maven artifact that `npm run package` writes to dist/java, used by the Java example app
 * (examples/java) together with aws-cdk-lib from Maven Central. The app builds the greeter crate in Docker, and
 * its template is the one TypeScript synthesizes from the same constructs; bad input fails as clearly as it does
 * in TypeScript.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RustFunction } from '../../lib';
import { describeBinary, devEnv, tempDir } from '../support';
import { comparableTemplate, packagedPath, runTool, rustBootstrap } from './support';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'java');

/** Runs Maven in examples/java: batch mode (no colours, no progress), quiet (only the app's own output). */
function mvn(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runTool('mvn', ['-B', '-q', ...args], { cwd: EXAMPLE, env });
}

/** The same constructs as examples/java (App.java), in TypeScript. */
function typeScriptTwin(outdir: string): Template {
  const app = new App({ outdir });
  const stack = new Stack(app, 'CdkRustJava');
  new RustFunction(stack, 'Greeter', {
    manifestPath: path.join(ROOT, 'examples', 'greeter', 'Cargo.toml'),
    errorRateAlarm: { threshold: 10 },
  });
  return Template.fromStack(stack);
}

describe('Java: the Maven artifact, a Java CDK app, and the same results as TypeScript', () => {
  let outdir: string;

  beforeAll(() => {
    devEnv();
    packagedPath('java', path.join('io', 'github', 'cdk-rust', 'cdk-rust'));
    // Maven keeps a release version it resolved once in ~/.m2 and never looks at dist/java again: drop our own
    // artifact from there, so that the app runs the one just packaged (aws-cdk-lib and the rest stay cached).
    fs.rmSync(path.join(os.homedir(), '.m2', 'repository', 'io', 'github', 'cdk-rust'), { recursive: true, force: true });
    outdir = tempDir('java-out');
    // What cdk.json runs (`cdk synth` adds CDK_OUTDIR the same way).
    mvn(['compile', 'exec:java'], { CDK_OUTDIR: outdir });
  });

  test('the example app builds the greeter crate into a static bootstrap', () => {
    expect(describeBinary(rustBootstrap(outdir, 'CdkRustJava'))).toMatch(/statically linked|static-pie linked/);
  });

  test('its template is the one TypeScript synthesizes from the same constructs, asset hashes included', () => {
    const java = JSON.parse(fs.readFileSync(path.join(outdir, 'CdkRustJava.template.json'), 'utf-8'));
    const typescript = typeScriptTwin(tempDir('java-twin')).toJSON();
    expect(comparableTemplate(java)).toEqual(comparableTemplate(typescript));
    expect(Object.keys(comparableTemplate(java).Resources).length).toBeGreaterThan(5);
  });

  test('a bad profile: the code, the prop as Java spells it (camelCase, as TypeScript does), and the fix', () => {
    const { stdout } = mvn(['compile', 'exec:java', '-Dexec.mainClass=com.example.cdkrust.BadProfile']);
    // Maven 3.8 writes a stray colour reset (ESC[0m) before the program's output even with -B -q.
    const [raised, ...message] = stdout.slice(stdout.indexOf('raised ')).split('\n');
    expect(raised).toBe('raised software.amazon.jsii.JsiiError');
    expect(message.join('\n')).toMatch(
      /^\[INVALID_PROP\] Errors\/BadProfile: bundling\.profile: "fast build" is not a valid Cargo profile name\.\nFix: /,
    );
  });
});
