/**
 * The developer's AWS credentials and local runs: which variables carry them, and the one line that says they were
 * not passed.
 */
import { hostCredentials } from '../../lib/private/aws-credentials';

describe('hostCredentials: the credential variables of an environment that are set', () => {
  test('the key, the secret and the session token, and nothing else', () => {
    expect(
      hostCredentials({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't', AWS_PROFILE: 'p', HOME: '/root' }),
    ).toEqual({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' });
    expect(hostCredentials({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: 's' })).toEqual({ AWS_SECRET_ACCESS_KEY: 's' });
  });
});

describe('noticeCredentialsNotPassed: says once per process that code run locally gets no credentials, and how to pass them', () => {
  test('the first call prints one line naming --aws-credentials; later calls print nothing', async () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await jest.isolateModulesAsync(async () => {
        const { noticeCredentialsNotPassed } = await import('../../lib/private/aws-credentials');
        noticeCredentialsNotPassed('the function');
        noticeCredentialsNotPassed('the function');
        noticeCredentialsNotPassed('the service');
      });
    } finally {
      write.mockRestore();
    }
    expect(lines).toEqual([
      "[cdk-rust] the function gets no AWS credentials: this shell's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN are passed only with --aws-credentials (passCredentials: true in code)\n",
    ]);
  });
});
