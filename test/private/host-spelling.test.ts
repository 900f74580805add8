import { hostLanguage, inHostSpelling, spellProp } from '../../lib/private/host-spelling';
import { CdkRustError } from '../../lib/errors';

describe('host-spelling: errors name props as the calling language spells them', () => {
  test('the calling language comes from the jsii runtime, and Node.js is TypeScript', () => {
    expect(hostLanguage({ JSII_AGENT: 'Python/3.11.7' })).toBe('python');
    expect(hostLanguage({ JSII_AGENT: 'Java/17.0.15' })).toBe('java');
    expect(hostLanguage({ JSII_AGENT: 'golang/go1.26.8' })).toBe('go');
    expect(hostLanguage({ JSII_AGENT: 'DotNet/8.0.1/.NETCoreApp,Version=v8.0/1.0.0.0' })).toBe('dotnet');
    expect(hostLanguage({})).toBe('typescript');
  });

  test('Python gets snake_case and Go PascalCase; Java and TypeScript keep camelCase', () => {
    expect(spellProp('errorRateAlarm', 'python')).toBe('error_rate_alarm');
    expect(spellProp('errorRateAlarm', 'go')).toBe('ErrorRateAlarm');
    expect(spellProp('errorRateAlarm', 'java')).toBe('errorRateAlarm');
    expect(spellProp('errorRateAlarm', 'typescript')).toBe('errorRateAlarm');
  });

  test('prop paths are rewritten segment by segment, map keys and indexes stay', () => {
    expect(inHostSpelling('bundling.cargoArgs[2] contains a line break.', 'python')).toBe('bundling.cargo_args[2] contains a line break.');
    expect(inHostSpelling('bundling.buildEnvironment.RUST_LOG is managed by cdk-rust.', 'python')).toBe(
      'bundling.build_environment.RUST_LOG is managed by cdk-rust.',
    );
    expect(inHostSpelling('bundling.profile: "rel ease" is not valid.', 'go')).toBe('Bundling.Profile: "rel ease" is not valid.');
    expect(inHostSpelling('alarmTopic is set, but errorRateAlarm is false.', 'go')).toBe('AlarmTopic is set, but ErrorRateAlarm is false.');
  });

  test('one-word names in prose, words that are not props, and file paths are left alone', () => {
    const prose = "the function's architecture is arm64, and the profile of /src/target/x86 is built by cargo.";
    expect(inHostSpelling(prose, 'go')).toBe(prose);
    expect(inHostSpelling('use lambda.Runtime.PROVIDED_AL2023 or Duration.minutes(5).', 'python')).toBe(
      'use lambda.Runtime.PROVIDED_AL2023 or Duration.minutes(5).',
    );
  });

  test("Cargo's own keys and flags that share a prop's name are left alone", () => {
    const fix =
      'use a profile defined as [profile.<name>] in the workspace Cargo.toml, or profile.release; not --target or build.target-dir.';
    expect(inHostSpelling(fix, 'go')).toBe(fix);
    expect(inHostSpelling(fix, 'python')).toBe(fix);
    expect(inHostSpelling('target: "x" is unknown.', 'go')).toBe('target: "x" is unknown.');
    expect(inHostSpelling('architecture: "ppc" is not one.', 'go')).toBe('Architecture: "ppc" is not one.');
  });

  test('rewriting is idempotent, so an error re-reported for its construct is not rewritten twice', () => {
    const once = inHostSpelling('errorRateAlarm.evaluationPeriods: 0 is not positive.', 'go');
    expect(inHostSpelling(once, 'go')).toBe(once);
    const py = inHostSpelling('errorRateAlarm.evaluationPeriods: 0 is not positive.', 'python');
    expect(py).toBe('error_rate_alarm.evaluation_periods: 0 is not positive.');
    expect(inHostSpelling(py, 'python')).toBe(py);
  });

  test('CdkRustError spells the props of its problem and fix for the calling language', () => {
    const saved = process.env.JSII_AGENT;
    process.env.JSII_AGENT = 'Python/3.11.7';
    try {
      const error = new CdkRustError('INVALID_PROP', 'bundling.noDefaultFeatures is set twice.', 'drop one noDefaultFeatures.', 'S/Fn');
      expect(error.message).toBe('[INVALID_PROP] S/Fn: bundling.no_default_features is set twice.\nFix: drop one no_default_features.');
    } finally {
      if (saved === undefined) delete process.env.JSII_AGENT;
      else process.env.JSII_AGENT = saved;
    }
  });
});
