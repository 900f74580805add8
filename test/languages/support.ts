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
