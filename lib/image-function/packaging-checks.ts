/**
 * What `packaging: FunctionPackaging.IMAGE` refuses on a RustFunction before anything is built, naming the props as
 * the user wrote them and the construct.
 */
import { CdkRustError } from '../errors';
import type { RustFunctionProps } from '../function';
import { FunctionPackaging } from '../function-packaging';

/** Throws INVALID_PROP when `props` ask for an image with what a Lambda container image cannot have. */
export function checkPackaging(props: RustFunctionProps, constructPath: string): void {
  if ((props.packaging ?? FunctionPackaging.ZIP) !== FunctionPackaging.IMAGE) return;
  const refuse = (problem: string, fix: string): never => {
    throw new CdkRustError('INVALID_PROP', problem, fix, constructPath);
  };
  if (props.layers && props.layers.length > 0) {
    refuse(
      'packaging: IMAGE cannot be used with layers: Lambda gives container image functions no layers (everything the function needs must be in the image).',
      'drop layers, or keep packaging: ZIP (the default) to use them.',
    );
  }
  if (props.extensions && props.extensions.length > 0) {
    refuse(
      'packaging: IMAGE cannot be used with extensions: cdk-rust ships extensions as layers, and Lambda gives container image functions no layers ' +
        '(baking extensions into the image under /opt/extensions is not done yet).',
      'drop extensions, or keep packaging: ZIP (the default) to use them.',
    );
  }
  if (props.runtime !== undefined) {
    refuse(
      `packaging: IMAGE cannot be used with runtime (${props.runtime.name}): an image brings its own runtime, the binary itself (Runtime.FROM_IMAGE).`,
      'drop runtime: RustFunction sets what an image function needs.',
    );
  }
  const target = props.bundling?.target;
  if (target !== undefined && !target.endsWith('-musl')) {
    refuse(
      `packaging: IMAGE cannot be used with bundling.target "${target}": it links against glibc dynamically, and the image holds only the binary ` +
        '(no dynamic loader, no libc), so the function would fail to start.',
      'leave bundling.target out (a static musl binary for the architecture), or keep packaging: ZIP to use a glibc target.',
    );
  }
}

/** Throws INVALID_PROP for `addExtension` on an image function, which can have no layers. */
export function refuseExtensionOnImage(constructPath: string): never {
  throw new CdkRustError(
    'INVALID_PROP',
    'addExtension(extension) cannot be used with packaging: IMAGE: cdk-rust ships extensions as layers, and Lambda gives container image functions no layers.',
    'keep packaging: ZIP (the default) for a function with extensions.',
    constructPath,
  );
}
