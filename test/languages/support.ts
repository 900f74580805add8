import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const DIST = path.join(__dirname, '..', '..', 'dist');

/** The one file in dist/<language> (written by `npm run package`) whose name matches `pattern`. */
export function packagedArtifact(language: string, pattern: RegExp): string {
  const dir = path.join(DIST, language);
  const found = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => pattern.test(name)) : [];
  if (found.length !== 1) {
    throw new Error(`expected one ${pattern} in ${dir}, found ${found.length}: run \`npm run build && npm run package\` first.`);
  }
  return path.join(dir, found[0]);
}

/** dist/<language>/<relative> (written by `npm run package`), which must exist. */
export function packagedPath(language: string, relative: string): string {
  const file = path.join(DIST, language, relative);
  if (!fs.existsSync(file)) throw new Error(`expected ${file}: run \`npm run build && npm run package\` first.`);
  return file;
}

/**
 * Runs a language's tool (mvn, go) with the test's environment (the development environment's Docker and agent)
 * plus `env`, and returns its output; fails with all of its output when it exits non-zero or cannot start.
 */
export function runTool(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): { stdout: string; stderr: string } {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', ...options.env },
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = result.stdout ?? '';
  const stderr = result.stderr ?? '';
  if (result.error) throw new Error(`${command} ${args.join(' ')} could not start: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}) in ${options.cwd}:\n${stdout}${stderr}`);
  }
  return { stdout, stderr };
}

/** The `bootstrap` in the asset directory of the stack's one provided.al2023 function, in a synthesized `outdir`. */
export function rustBootstrap(outdir: string, stackName: string): string {
  const template = JSON.parse(fs.readFileSync(path.join(outdir, `${stackName}.template.json`), 'utf-8'));
  const functions = Object.values(template.Resources as Record<string, any>).filter(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime === 'provided.al2023',
  );
  if (functions.length !== 1) throw new Error(`expected one provided.al2023 function in ${stackName}, found ${functions.length}`);
  return path.join(outdir, `asset.${String(functions[0].Properties.Code.S3Key).replace(/\.zip$/, '')}`, 'bootstrap');
}

/**
 * A template as it would deploy, without what says where and how it was written: each resource's
 * `Metadata` (construct paths, asset paths on the synthesizing machine) and the CDKMetadata resource with
 * its condition (analytics, which name the language's jsii runtime).
 */
export function comparableTemplate(template: any): any {
  const copy = JSON.parse(JSON.stringify(template));
  delete copy.Resources.CDKMetadata;
  delete copy.Conditions?.CDKMetadataAvailable;
  if (copy.Conditions && Object.keys(copy.Conditions).length === 0) delete copy.Conditions;
  for (const resource of Object.values(copy.Resources as Record<string, any>)) delete resource.Metadata;
  return copy;
}
