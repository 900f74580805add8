/**
 * The region a local invocation runs in when none is given.
 */
import { FALLBACK_REGION, resolveRegion } from '../../lib/invoke/region';

describe("resolveRegion: the given region, else the environment's, else us-east-1, as the AWS SDKs find it", () => {
  test('a given region wins over the environment', () => {
    expect(resolveRegion('eu-west-1', { AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'sa-east-1' })).toBe('eu-west-1');
  });

  test('without one, AWS_REGION wins over AWS_DEFAULT_REGION', () => {
    expect(resolveRegion(undefined, { AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'sa-east-1' })).toBe('ap-south-1');
    expect(resolveRegion(undefined, { AWS_DEFAULT_REGION: 'sa-east-1' })).toBe('sa-east-1');
  });

  test('with neither, it is us-east-1', () => {
    expect(FALLBACK_REGION).toBe('us-east-1');
    expect(resolveRegion(undefined, {})).toBe('us-east-1');
  });
});
