/**
 * Prop names as the user wrote them, in the language of their CDK app.
 *
 * Through jsii, a Python app writes `error_rate_alarm` and `bundling=RustBundlingOptions(cargo_args=...)`, a Go
 * app `ErrorRateAlarm` and `Bundling: &RustBundlingOptions{CargoArgs: ...}`, while Java keeps TypeScript's
 * camelCase. Error messages are written with TypeScript's names; this rewrites those names for the language
 * that called, which the jsii runtime announces in `JSII_AGENT` ("Python/3.11.7", "Java/17.0.15",
 * "golang/go1.26.8"; unset in Node.js).
 */

/** The language of the CDK app that is calling cdk-rust. */
export type HostLanguage = 'typescript' | 'python' | 'java' | 'go' | 'dotnet';

/**
 * The public prop names that messages mention: every property of cdk-rust's own structs (test/index.test.ts
 * checks this list against the jsii assembly) and the inherited Lambda props that cdk-rust validates.
 */
export const PROP_NAMES: ReadonlySet<string> = new Set([
  // RustFunctionProps, RustBundlingOptions
  'manifestPath',
  'binaryName',
  'runtime',
  'bundling',
  'errorRateAlarm',
  'alarmTopic',
  'logGroupRetention',
  'logGroupRemovalPolicy',
  'features',
  'noDefaultFeatures',
  'profile',
  'cargoArgs',
  'buildEnvironment',
  'target',
  'builderImage',
  'forwardSshAgent',
  'sshAgentSocket',
  'knownHosts',
  'forceDockerBundling',
  'network',
  // ErrorRateAlarmOptions, ErrorRateAlarmProps, AlarmTopicProps
  'threshold',
  'period',
  'evaluationPeriods',
  'datapointsToAlarm',
  'minimumInvocations',
  'alarmName',
  'alarmDescription',
  'emailSubscriptions',
  'httpsSubscriptions',
  'function',
  'topic',
  'displayName',
  'keyRemovalPolicy',
  // lambda.FunctionOptions props that cdk-rust checks
  'architecture',
  'logGroup',
  'logRetention',
  'memorySize',
  'timeout',
  'environment',
  'loggingFormat',
]);

/** The calling language, from the jsii runtime's `JSII_AGENT`. */
export function hostLanguage(env: NodeJS.ProcessEnv = process.env): HostLanguage {
  const agent = (env.JSII_AGENT ?? '').toLowerCase();
  if (agent.startsWith('python')) return 'python';
  if (agent.startsWith('java')) return 'java';
  if (agent.startsWith('go')) return 'go';
  if (agent.startsWith('dotnet') || agent.startsWith('.net')) return 'dotnet';
  return 'typescript';
}

/** `cargoArgs` as `language` spells it: `cargo_args` (Python), `CargoArgs` (Go, .NET), unchanged otherwise. */
export function spellProp(name: string, language: HostLanguage): string {
  switch (language) {
    case 'python':
      return name.replace(/[A-Z]/g, (upper) => `_${upper.toLowerCase()}`);
    case 'go':
    case 'dotnet':
      return name.charAt(0).toUpperCase() + name.slice(1);
    default:
      return name;
  }
}

/**
 * `text` with the prop names it mentions spelled for `language`. A camelCase prop name is rewritten wherever it
 * stands as a word; a one-word name (`profile`, `architecture`) only where it is written as a prop, that is inside
 * a dotted path (`bundling.profile`) or directly before `:` or `[`, so prose such as "the function's
 * architecture" is left alone, and so are parts of file paths. Map keys (`bundling.buildEnvironment.FOO`) are not prop names and stay as given.
 */
export function inHostSpelling(text: string, language: HostLanguage): string {
  if (language === 'typescript' || language === 'java') return text;
  return text.replace(/(?<![\w$/-])([a-z][A-Za-z0-9]*)(?![\w$])/g, (word: string, _name: string, offset: number) => {
    if (!PROP_NAMES.has(word)) return word;
    const isCamel = /[A-Z]/.test(word);
    const before = text.charAt(offset - 1);
    const after = text.charAt(offset + word.length);
    const writtenAsProp = before === '.' || after === '.' || after === ':' || after === '[';
    return isCamel || writtenAsProp ? spellProp(word, language) : word;
  });
}
