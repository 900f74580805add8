/**
 * A file or directory of the project that ships with the binary: configuration, templates, static assets,
 * migrations. A public prop type of RustFunction, RustExtension, RustServiceImage and RustService (`files`).
 */

/** A file or directory of the project to place beside the binary, in the function's zip or the service's image. */
export interface ArtifactFile {
  /**
   * The file or directory to ship: relative to the directory of `manifestPath`, or absolute.
   *
   * It must be inside the Cargo workspace (the directory of its root Cargo.toml), and a regular file or a
   * directory: a symbolic link, at the path or anywhere under a directory, is refused rather than followed, and a
   * file that looks like credentials or a private key (`.env`, `*.pem` holding a private key, ...) is refused when
   * named and left out (with a line saying so) when it is under a directory. Files keep only their executable bit:
   * they are written with mode 0644 or 0755, owned by root, with fixed times, so the same files give the same
   * asset. Their contents are part of the asset hash.
   */
  readonly source: string;

  /**
   * Where it goes, as a POSIX path.
   *
   * For a function, relative to the root of its zip: beside `bootstrap`, in its working directory `/var/task`
   * (`configuration` lands at `/var/task/configuration`). For an extension, relative to the root of its layer
   * (`/opt`), and not under `extensions/`. For a service image, relative to the image's `workingDirectory`
   * (`/app` unless set), or absolute. It may not leave that root (`..`) or replace a file cdk-rust writes
   * (`bootstrap`, the service binary, `/etc/passwd`, the CA bundle).
   *
   * @default - `source` as written when it is a relative path inside the package directory (`configuration`
   * stays `configuration`), else the last part of its path
   */
  readonly destination?: string;
}
