/**
 * How a RustFunction's binary is shipped to Lambda: the `packaging` prop's values.
 */

/**
 * How a {@link RustFunction} ships its binary: a zip (the default) or a container image.
 *
 * Both hold the same static binary, built by the same build; only the package around it differs.
 */
export enum FunctionPackaging {
  /**
   * A zip holding `bootstrap` (and `files`), on the OS-only runtime `provided.al2023`: the default, and the faster
   * cold start.
   */
  ZIP = 'ZIP',
  /**
   * A container image written by cdk-rust itself (no Dockerfile, no base image), as a TarballImageAsset: the binary
   * as its entrypoint at `/var/task/bootstrap`, `files` under `/var/task`, the CA bundle and a non-root user. For
   * teams whose pipelines scan and sign images, or for functions over the zip's 250 MB limit. Its cold start is
   * slower than the zip's, and it takes no layers.
   */
  IMAGE = 'IMAGE',
}
