/**
 * The image build child of `cdk-rust run --watch`, without Docker: how it is started, and a build that cannot start
 * reported as an outcome with nothing left behind.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildImage } from '../../lib/service/image-build-child';
import { IMAGE_BUILD_CHILD_COMMAND, selfImageBuildCommand } from '../../lib/service/image-build-command';
import { ServiceImageRecord } from '../../lib/service/service-image-record';
import { selfBuildCommand } from '../../lib/watch/build-command';
import { buildOutcome } from '../../lib/watch/build-runner';
import { tempDir } from '../support';

describe('image build child: cdk-rust __watch-image-build builds an image from its record in a process of its own', () => {
  test("it is this very CLI (this Node, its flags, its script) with the image build's hidden command", () => {
    const command = selfImageBuildCommand();
    expect(command.command).toBe(process.execPath);
    expect(command.args[command.args.length - 1]).toBe(IMAGE_BUILD_CHILD_COMMAND);
    expect(command.args.slice(0, -1)).toEqual(selfBuildCommand().args.slice(0, -1));
  });

  test("a build that fails is an outcome with the error's message, and leaves no output directory", () => {
    const outputDir = path.join(tempDir('image-build'), 'out');
    const record: ServiceImageRecord = {
      build: { manifestPath: path.join(tempDir('gone'), 'Cargo.toml'), architecture: 'x86_64', bundling: {}, assetHash: 'a'.repeat(64) },
      image: { port: 8080, environment: [], workingDirectory: '/app', timeZones: false, healthProbe: false },
      imageHash: 'b'.repeat(64),
    };
    const outcome = buildOutcome(buildImage, { record, outputDir });
    expect(outcome).toEqual({ ok: false, message: expect.stringContaining('[MANIFEST_NOT_FOUND]') });
    expect(fs.existsSync(outputDir)).toBe(false);
  });
});
