/**
 * The developer's AWS credentials and local runs: `cdk-rust invoke`, `watch` and `run` hand them to the code they
 * run only when asked (`--aws-credentials`, or `passCredentials: true`), and otherwise say once that they did not.
 * A function or service run locally is code from a build, and a local server can be reached by other local
 * programs: neither should hold the developer's keys unless the developer chose so.
 */
import { progress } from './progress';

/** The variables that carry credentials, passed as they are when asked. */
export const CREDENTIAL_VARIABLES: readonly string[] = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];

/** The credential variables of `env` that are set. */
export function hostCredentials(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const credentials: Record<string, string> = {};
  for (const name of CREDENTIAL_VARIABLES) {
    const value = env[name];
    if (value) credentials[name] = value;
  }
  return credentials;
}

let noticeShown = false;

/**
 * Says, once per process, that the code run locally gets no AWS credentials, and how to pass them. `what` names it:
 * `the function`, `the service`.
 */
export function noticeCredentialsNotPassed(what: string): void {
  if (noticeShown) return;
  noticeShown = true;
  progress(
    `${what} gets no AWS credentials: this shell's ${CREDENTIAL_VARIABLES.join(', ')} are passed only with --aws-credentials (passCredentials: true in code)`,
  );
}
