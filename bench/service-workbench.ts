/**
 * The builds of the example service that several scenarios share (13, 14 and 20), made on first use and kept for the
 * rest of the run: its copies, RustServiceImage's docker-archive, the RustService app synthesized once, and a copy
 * whose bare target/ is warm. Reached as `workbench.service`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { newestImageArchive } from './assembly-assets';
import { SERVICE, copyCrate } from './fixtures/crates';
import { SERVICE_APP, SERVICE_FLOOR_APP, SERVICE_IMAGE_APP, ServiceAppConfig, ServiceAppName } from './fixtures/service-apps';
import { Timed, progress } from './support';
import type { Workbench } from './workbench';

/** RustServiceImage's docker-archive of the example service, synthesized once. */
export interface ServiceImageBuild {
  /** The copy of examples/service it was built from. */
  readonly dir: string;
  readonly outdir: string;
  /** The staged docker-archive (`asset.<hash>/image.tar`). */
  readonly archive: string;
  /** The first synth (a cold build of the service, unless the RustService app built it first). */
  readonly seconds: number;
}

/** The one-RustService app on the example service (configured as examples/rust-service.ts), synthesized once. */
export interface ServiceApp {
  /** The copy of examples/service it builds (the one-line change edits it). */
  readonly serviceDir: string;
  readonly configFile: string;
  /** The same app with the service's four alarms turned off. */
  readonly configNoAlarms: string;
  readonly outdir: string;
  /** The first synth (a cold build of the service, unless RustServiceImage's app built it first). */
  readonly seconds: number;
}

export class ServiceWorkbench {
  private serviceDir = '';
  private appsWritten = false;
  private image?: ServiceImageBuild;
  private app?: ServiceApp;
  private bare?: string;
  private volumeFilled = false;

  constructor(private readonly wb: Workbench) {}

  /** The copy of examples/service that ours builds (one per run, at a new path: its first build is cold). */
  private ensureCrate(): string {
    if (!this.serviceDir) this.serviceDir = copyCrate(SERVICE, path.join(this.wb.nextWorkDir('service'), 'service'));
    return this.serviceDir;
  }

  /** A fresh copy of examples/service at a new path of the work dir. */
  public fresh(label: string): string {
    return copyCrate(SERVICE, path.join(this.wb.nextWorkDir(label), 'service'));
  }

  /** Runs one of the service apps as a whole process, timed (the same environment as the function apps). */
  public runApp(name: string, app: ServiceAppName, configFile: string): Timed {
    if (!this.appsWritten) {
      for (const [file, text] of [
        ['service-image.js', SERVICE_IMAGE_APP],
        ['service.js', SERVICE_APP],
        ['service-floor.js', SERVICE_FLOOR_APP],
      ]) {
        fs.writeFileSync(path.join(this.wb.work, file), text);
      }
      this.appsWritten = true;
    }
    return this.wb.runApp(name, app, configFile);
  }

  /** Writes a service app's config to a new file of the work dir. */
  public writeConfig(config: ServiceAppConfig): string {
    return this.wb.writeJson('service-config', config);
  }

  /** RustServiceImage's docker-archive of the example service (`new RustServiceImage(stack, 'Image', ...)`), built once. */
  public ensureImage(): ServiceImageBuild {
    if (this.image) return this.image;
    const dir = this.ensureCrate();
    const outdir = path.join(this.wb.work, 'service-image-app.out');
    progress(`first synth of the RustServiceImage app on ${path.relative(this.wb.work, dir)} (untimed; cold unless the service was built)`);
    const t = this.runApp(
      'service-image-first-synth',
      'service-image',
      this.writeConfig({ outdir, manifestPath: path.join(dir, 'Cargo.toml') }),
    );
    this.image = { dir, outdir, archive: newestImageArchive(outdir), seconds: t.seconds };
    return this.image;
  }

  /** The one-RustService app on the example service, synthesized once (untimed). */
  public ensureApp(): ServiceApp {
    if (this.app) return this.app;
    const serviceDir = this.ensureCrate();
    const outdir = path.join(this.wb.work, 'service-app.out');
    const manifestPath = path.join(serviceDir, 'Cargo.toml');
    const configFile = this.writeConfig({ outdir, manifestPath });
    const configNoAlarms = this.writeConfig({ outdir, manifestPath, alarms: false });
    progress(
      `first synth of the RustService app on ${path.relative(this.wb.work, serviceDir)} (untimed; cold unless the service was built)`,
    );
    const t = this.runApp('service-app-first-synth', 'service', configFile);
    newestImageArchive(outdir);
    this.app = { serviceDir, configFile, configNoAlarms, outdir, seconds: t.seconds };
    return this.app;
  }

  /** A copy of examples/service whose bare (docker run, musl) target/ is warm; its dependencies fetched into the registry volume. */
  public ensureBare(): string {
    if (this.bare) return this.bare;
    const volume = this.wb.ensureVolume();
    const dir = this.fresh('bare-service');
    if (!this.volumeFilled) {
      progress(`fetching the service's dependencies into ${volume} (untimed)`);
      this.wb.fetchIntoVolume('bare-volume-fetch-service', dir);
      this.volumeFilled = true;
    }
    progress('first bare build of the service for the incremental scenario (untimed, cold)');
    this.wb.bareDockerBuild('bare-service-first-build', dir);
    this.bare = dir;
    return dir;
  }
}
