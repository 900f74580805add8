import { rebuildDecision } from '../../lib/watch/rebuild-decision';

describe('rebuildDecision: the asset hash alone decides whether a change is built', () => {
  test('the hash of the served build builds nothing (only files the hash leaves out changed, or nothing did)', () => {
    expect(rebuildDecision({ serving: 'h1' }, 'h1')).toBe('unchanged');
  });

  test('a new hash is built', () => {
    expect(rebuildDecision({ serving: 'h1' }, 'h2')).toBe('build');
    expect(rebuildDecision({}, 'h1')).toBe('build');
  });

  test('while a build runs, nothing else starts: the change is looked at again when it ends', () => {
    expect(rebuildDecision({ serving: 'h1', building: 'h2' }, 'h3')).toBe('busy');
    expect(rebuildDecision({ serving: 'h1', building: 'h2' }, 'h1')).toBe('busy');
  });

  test('the sources of a build that just failed are not built again until they change', () => {
    expect(rebuildDecision({ serving: 'h1', failed: 'h2' }, 'h2')).toBe('failed-before');
    expect(rebuildDecision({ serving: 'h1', failed: 'h2' }, 'h3')).toBe('build');
  });
});
