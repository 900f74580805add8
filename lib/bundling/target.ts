/**
 * Which Rust target a build is for: the Lambda architecture, the target triple (`bundling.target` or the
 * architecture's static musl default), and the check that a container image gets a static binary.
 */
import { CdkRustError } from '../errors';
import {
  ArchitectureName,
  fromLambdaArchitecture,
  fromRustTarget,
  lambdaArchitectureCode,
  RUST_TARGETS,
  toMuslTarget,
} from '../private/architecture';

/** The Lambda architecture named `name` (`lambda.Architecture.name`), x86_64 when absent. */
export function resolveArchitecture(name: string | undefined): ArchitectureName {
  return fromLambdaArchitecture(name === undefined ? undefined : { name });
}

/** `bundling.target`, checked against the architecture, or the architecture's static musl target. */
export function resolveTarget(architecture: ArchitectureName, target: string | undefined): string {
  if (target === undefined) return toMuslTarget(architecture);
  const targetArch = fromRustTarget(target);
  if (!targetArch) {
    throw new CdkRustError(
      'UNKNOWN_TARGET',
      `bundling.target: "${target}" is not a Linux target Lambda can run.`,
      `use one of ${RUST_TARGETS.join(', ')}.`,
    );
  }
  if (targetArch !== architecture) {
    throw new CdkRustError(
      'ARCHITECTURE_MISMATCH',
      `bundling.target "${target}" builds for ${targetArch}, but the function's architecture is ${architecture}.`,
      `set architecture to ${lambdaArchitectureCode(targetArch)}, or use target "${toMuslTarget(architecture)}".`,
    );
  }
  return target;
}

/**
 * A container image holds only the binary: no dynamic loader or libc, so its target must be a static (musl) one.
 */
export function checkStaticTarget(architecture: ArchitectureName, target: string): void {
  if (target.endsWith('-musl')) return;
  throw new CdkRustError(
    'INVALID_PROP',
    `bundling.target "${target}" links against glibc dynamically, but a service image holds only the binary: ` +
      'there is no dynamic loader or libc in it, so the container would fail to start ("no such file or directory").',
    `leave bundling.target out, or use "${toMuslTarget(architecture)}" (a static musl binary).`,
  );
}
