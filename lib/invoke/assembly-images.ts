/**
 * The tarball image assets of a cloud assembly (a RustServiceImage's, or a RustFunction's with `packaging: IMAGE`):
 * CDK's publishing command for each (`sh -c "docker load -i ..."`, whose last argument is the tarball, confined to
 * the assembly), by asset hash, and the tag a template gives such an image, which is that hash.
 */
import * as fs from 'fs';
import type { AssemblyStack } from './assembly';
import { assemblyFile } from './assembly-file';

/** Asset hash → publishing command of the tarball image assets in the asset manifests of the stack's directory. */
export function tarballImageAssets(stack: AssemblyStack): Map<string, string[]> {
  const images = new Map<string, string[]>();
  for (const file of fs.readdirSync(stack.dir).filter((name) => name.endsWith('.assets.json'))) {
    const manifest = JSON.parse(fs.readFileSync(assemblyFile(stack.root, stack.dir, file, 'an asset manifest'), 'utf-8'));
    for (const [hash, image] of Object.entries<any>(manifest.dockerImages ?? {})) {
      const executable = image?.source?.executable;
      if (!Array.isArray(executable) || !executable.every((part) => typeof part === 'string')) continue;
      // The last argument is the tarball, which must be inside the assembly, like every file cdk-rust reads there.
      assemblyFile(stack.root, stack.dir, executable[executable.length - 1], `the image tarball of asset ${hash}`);
      images.set(hash, executable);
    }
  }
  return images;
}

/** The tag of an ECR image reference written by CDK (`...:<asset hash>`, the last part of an `Fn::Join` or `Fn::Sub`). */
export function assetImageTag(image: unknown): string | undefined {
  const matches = [...JSON.stringify(image ?? null).matchAll(/:([0-9a-f]{64})"/g)];
  return matches.length > 0 ? matches[matches.length - 1][1] : undefined;
}
