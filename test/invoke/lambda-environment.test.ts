/**
 * The environment a function's process gets: Lambda's variables over the function's own, and nothing else.
 */
import { lambdaEnvironment, LambdaEnvironmentOptions } from '../../lib/invoke/lambda-environment';

const BASE: LambdaEnvironmentOptions = {
  runtimeApi: '127.0.0.1:9001',
  taskRoot: '/assets/asset.0123',
  functionName: 'greeter',
  region: 'eu-west-1',
};

const HOST: NodeJS.ProcessEnv = {
  HOME: '/root',
  CDK_DOCKER: 'docker',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SESSION_TOKEN: 'token',
};

describe('lambdaEnvironment: the process gets the variables Lambda sets, as Lambda sets them', () => {
  test("Lambda's variables come from the function's settings, with Lambda's defaults", () => {
    const env = lambdaEnvironment(BASE, {});
    expect(env).toEqual({
      PATH: '/usr/local/bin:/usr/bin/:/bin:/opt/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      _HANDLER: 'bootstrap',
      LAMBDA_TASK_ROOT: '/assets/asset.0123',
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
      AWS_LAMBDA_FUNCTION_NAME: 'greeter',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/greeter',
      AWS_LAMBDA_LOG_STREAM_NAME: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/),
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
    });
  });

  test('JSON logging adds AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL (INFO unless given); text logging adds neither', () => {
    expect(lambdaEnvironment({ ...BASE, logFormat: 'JSON' }, {})).toMatchObject({
      AWS_LAMBDA_LOG_FORMAT: 'JSON',
      AWS_LAMBDA_LOG_LEVEL: 'INFO',
    });
    expect(lambdaEnvironment({ ...BASE, logFormat: 'JSON', applicationLogLevel: 'DEBUG' }, {})).toMatchObject({
      AWS_LAMBDA_LOG_LEVEL: 'DEBUG',
    });
    const text = lambdaEnvironment({ ...BASE, logFormat: 'Text', applicationLogLevel: 'DEBUG' }, {});
    expect(text.AWS_LAMBDA_LOG_FORMAT).toBeUndefined();
    expect(text.AWS_LAMBDA_LOG_LEVEL).toBeUndefined();
  });

  test('a concurrency above 1 (Lambda Managed Instances) sets AWS_LAMBDA_MAX_CONCURRENCY; 1 or none does not', () => {
    expect(lambdaEnvironment({ ...BASE, concurrency: 8 }, {}).AWS_LAMBDA_MAX_CONCURRENCY).toBe('8');
    expect(lambdaEnvironment({ ...BASE, concurrency: 1 }, {}).AWS_LAMBDA_MAX_CONCURRENCY).toBeUndefined();
    expect(lambdaEnvironment(BASE, {}).AWS_LAMBDA_MAX_CONCURRENCY).toBeUndefined();
  });

  test("the function's own variables are passed, and Lambda's reserved variables win over them", () => {
    const env = lambdaEnvironment(
      {
        ...BASE,
        memorySize: 512,
        handler: 'main',
        environment: { GREETING: 'hi', AWS_REGION: 'us-west-2', AWS_LAMBDA_FUNCTION_NAME: 'not-allowed' },
      },
      {},
    );
    expect(env).toMatchObject({
      GREETING: 'hi',
      AWS_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: 'greeter',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      _HANDLER: 'main',
    });
  });
});

describe("lambdaEnvironment: nothing of this process's environment leaks in, and its AWS credentials only when asked", () => {
  test('by default no credentials are passed (a function run locally does not hold the developer keys), nor anything else of the host', () => {
    const env = lambdaEnvironment(BASE, HOST);
    expect(env.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(env.AWS_SESSION_TOKEN).toBeUndefined();
    expect(Object.values(env)).not.toContain('secret');
    expect(env.HOME).toBeUndefined();
    expect(env.CDK_DOCKER).toBeUndefined();
    // The region is passed either way.
    expect(env).toMatchObject({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' });
    expect(lambdaEnvironment({ ...BASE, passCredentials: false }, HOST).AWS_SECRET_ACCESS_KEY).toBeUndefined();
  });

  test('with passCredentials true, the credentials are passed as they are, and nothing else of the host environment is', () => {
    const env = lambdaEnvironment({ ...BASE, passCredentials: true }, HOST);
    expect(env).toMatchObject({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' });
    expect(env.HOME).toBeUndefined();
    expect(env.CDK_DOCKER).toBeUndefined();
  });
});
