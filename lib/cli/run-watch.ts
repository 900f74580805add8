/**
 * `cdk-rust run --watch`: runs a service of the synthesized app and keeps it in the edit loop (lib/service/
 * watched-service.ts) until Ctrl-C or SIGTERM. The URL is printed on stdout once, when a container first serves.
 */
import { progress } from '../private/progress';
import { AssemblyService } from '../service/assembly-service';
import { RunServiceOptions } from '../service/run-service';
import { readServiceImageRecord } from '../service/service-image-record';
import { WatchedService } from '../service/watched-service';
import { runUntilSignal } from './until-signal';

/**
 * Serves `service` of the assembly in `assemblyDir`, rebuilding its image with the Cargo profile `profile` (the
 * recorded one when undefined), until Ctrl-C or SIGTERM; returns the exit code.
 */
export async function runWatch(assemblyDir: string, service: AssemblyService, run: RunServiceOptions, profile?: string): Promise<number> {
  const record = readServiceImageRecord(assemblyDir, service);
  const watched = new WatchedService({ service, record, profile, run });
  // Ctrl-C during the first build or start stops them too.
  const loop = { start: async () => void (await watched.start()), close: () => watched.close() };
  await runUntilSignal(loop, `stopping ${service.name}`, () => {
    void watched.firstServed.then((url) => {
      process.stdout.write(`${url}\n`);
      progress(`${service.name} is healthy at ${url}; watching its sources (Ctrl-C stops it)`);
    });
  });
  progress(`${service.name} stopped`);
  return 0;
}
