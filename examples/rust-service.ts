import * as path from 'path';
import { Annotations, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OperationsDashboard, RustService } from '../lib';

/**
 * An actix-web service (examples/service) on ECS Fargate behind a public Application Load Balancer: the same
 * static musl binary cdk-rust builds for Lambda, in an image that holds nothing else. The container's health
 * check is the service's own `healthcheck` subcommand (the image has no shell or curl); the load balancer checks
 * `/health`. The service reads `configuration/*.json` relative to its working directory, so the directory ships in
 * the image with `files`. Scales on CPU and on requests per target. The stack's OperationsDashboard shows the service
 * and its alarms.
 */
export class RustServiceStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const service = new RustService(this, 'Service', {
      manifestPath: path.join(__dirname, 'service', 'Cargo.toml'),
      // Read at start as configuration/base.json, relative to the working directory (/app): shipped in the image.
      files: [{ source: 'configuration' }],
      containerHealthCheck: { args: ['healthcheck'], interval: Duration.seconds(10), startPeriod: Duration.seconds(5) },
      autoScaling: { maxCapacity: 4, requestsPerTarget: 1000 },
    });
    // A service of your own passes `certificate` (an ACM certificate for its domain) and gets HTTPS with a redirect.
    Annotations.of(service).acknowledgeWarning(
      'cdk-rust:plainHttpListener',
      'The example has no domain to hold a certificate for; it serves a greeting with no data worth protecting.',
    );
    new OperationsDashboard(this, 'Dashboard');
  }
}
