/**
 * How many invocations one execution environment runs at once, as a template gives it (lib/invoke/environment-concurrency.ts).
 */
import { checkConcurrency, templateConcurrency } from '../../lib/invoke/environment-concurrency';

const ARN = 'arn:aws:lambda:eu-west-1:111122223333:capacity-provider:cp';

function onCapacityProvider(config: object, memorySize?: unknown): object {
  return {
    ...(memorySize !== undefined ? { MemorySize: memorySize } : {}),
    CapacityProviderConfig: { LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: ARN, ...config } },
  };
}

describe('templateConcurrency: the concurrency Lambda gives one environment of a function, read from its template', () => {
  test('PerExecutionEnvironmentMaxConcurrency when the template sets it (a number or a numeric string)', () => {
    expect(templateConcurrency(onCapacityProvider({ PerExecutionEnvironmentMaxConcurrency: 32 }, 2048))).toBe(32);
    expect(templateConcurrency(onCapacityProvider({ PerExecutionEnvironmentMaxConcurrency: '5' }, 2048))).toBe(5);
  });

  test('without it, 8 per vCPU, vCPUs being the memory over 1024 over the GiB per vCPU (default 2), rounded down, at least 1', () => {
    expect(templateConcurrency(onCapacityProvider({}, 2048))).toBe(8);
    expect(templateConcurrency(onCapacityProvider({}, 8192))).toBe(32);
    expect(templateConcurrency(onCapacityProvider({}, 6144))).toBe(24);
    expect(templateConcurrency(onCapacityProvider({ ExecutionEnvironmentMemoryGiBPerVCpu: 4 }, 8192))).toBe(16);
    expect(templateConcurrency(onCapacityProvider({ ExecutionEnvironmentMemoryGiBPerVCpu: 8 }, 4096))).toBe(8);
    expect(templateConcurrency(onCapacityProvider({}, 1024))).toBe(8);
  });

  test('values that only resolve when deployed count as unset', () => {
    const token = { Ref: 'Concurrency' };
    expect(templateConcurrency(onCapacityProvider({ PerExecutionEnvironmentMaxConcurrency: token }, 4096))).toBe(16);
    expect(templateConcurrency(onCapacityProvider({ ExecutionEnvironmentMemoryGiBPerVCpu: token }, 4096))).toBe(16);
    expect(templateConcurrency(onCapacityProvider({}, { 'Fn::GetAtt': ['X', 'Y'] }))).toBe(8);
  });

  test('a function without a capacity provider has none (one at a time)', () => {
    expect(templateConcurrency({ MemorySize: 4096 })).toBeUndefined();
    expect(templateConcurrency({})).toBeUndefined();
    expect(templateConcurrency(undefined)).toBeUndefined();
  });
});

describe('checkConcurrency: a concurrency is a whole number from 1 to 1600', () => {
  test('undefined is 1; whole numbers from 1 to 1600 are kept', () => {
    expect(checkConcurrency('concurrency', undefined)).toBe(1);
    expect(checkConcurrency('concurrency', 1600)).toBe(1600);
  });

  test.each([0, -1, 2.5, 1601, NaN])('%p is INVALID_PROP, naming the option', (value) => {
    expect(() => checkConcurrency('concurrency', value)).toThrow(
      expect.objectContaining({
        code: 'INVALID_PROP',
        message: expect.stringContaining(`concurrency: ${value} is not a number of invocations`),
      }),
    );
  });
});
