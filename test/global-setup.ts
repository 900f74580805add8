import * as fs from 'fs';
import * as path from 'path';

/**
 * Loads the development environment that scripts/dev-env.sh started (Docker engine, builder image,
 * SSH git server and agent) into the environment of the test workers. Unit tests run without it;
 * end-to-end tests fail with a pointer to the script when it is missing.
 */
export default async function globalSetup(): Promise<void> {
  const file = path.join(__dirname, '..', '.dev-env', 'env.json');
  if (!fs.existsSync(file)) return;
  const env = JSON.parse(fs.readFileSync(file, 'utf-8')) as Record<string, string>;
  // The test agent and builder image win over the developer's own: the tests must not depend on them.
  Object.assign(process.env, env);
  process.env.CDK_RUST_DEV_ENV = file;
}
