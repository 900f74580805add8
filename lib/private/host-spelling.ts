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
  // RustFunctionProps, RustBundlingOptions, RustExtensionProps
  'manifestPath',
  'extensions',
  'extensionName',
  'layerVersionName',
  'description',
  'binaryName',
  'runtime',
  'bundling',
  'errorRateAlarm',
  'durationAlarm',
  'throttlesAlarm',
  'alarmTopic',
  'logGroupRetention',
  'logGroupRemovalPolicy',
  // RustFunctionUrlOptions
  'functionUrl',
  'invokeMode',
  'authType',
  'cors',
  'features',
  'noDefaultFeatures',
  'profile',
  'cargoArgs',
  'buildEnvironment',
  'target',
  'builderImage',
  'builder',
  'forwardSshAgent',
  'sshAgentSocket',
  'knownHosts',
  'forceDockerBundling',
  'cacheDirectory',
  'network',
  'buildSecrets',
  'exclude',
  // ErrorRateAlarmOptions, ErrorRateAlarmProps, AlarmTopicProps (and the Duration and Throttles alarms' own)
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
  // RustServiceImageProps, ServiceHealthCheck
  'port',
  'healthCheck',
  'args',
  'interval',
  'startPeriod',
  'retries',
  // RustServiceProps, RustServiceAutoScaling
  'vpc',
  'cluster',
  'publicLoadBalancer',
  'certificate',
  'healthCheckPath',
  'cpu',
  'memoryLimitMiB',
  'desiredCount',
  'autoScaling',
  'secrets',
  'containerHealthCheck',
  'timeZones',
  'minCapacity',
  'maxCapacity',
  'targetCpuUtilization',
  'requestsPerTarget',
  // files (ArtifactFile) and the service's working directory, RustBundlingOptions.include, ServiceHealthCheck.path
  'files',
  'source',
  'destination',
  'workingDirectory',
  'include',
  'path',
  // RustServiceProps' alarms, ServiceAlarmsOptions, ServiceAlarmsProps
  'alarms',
  'http5xxRate',
  'unhealthyHosts',
  'memory',
  'enabled',
  'minimumRequests',
  'responseTime',
  'service',
  'loadBalancer',
  'targetGroup',
  // OperationsDashboardProps ('period' is above)
  'dashboardName',
  'functions',
  'services',
  // ManagedInstancesOptions (aws-cdk-lib's CapacityProviderFunctionOptions and its scaling config)
  'managedInstances',
  'capacityProvider',
  'perExecutionEnvironmentMaxConcurrency',
  'executionEnvironmentMemoryGiBPerVCpu',
  'publishToLatestPublished',
  'latestPublishedScalingConfig',
  'minExecutionEnvironments',
  'maxExecutionEnvironments',
  // lambda.FunctionOptions props that cdk-rust checks
  'vpcSubnets',
  'securityGroups',
  'snapStart',
  'currentVersionOptions',
  'provisionedConcurrentExecutions',
  'architecture',
  'logGroup',
  'logRetention',
  'memorySize',
  'timeout',
  'environment',
  'loggingFormat',
  'layers',
  // RustFunctionProps.packaging
  'packaging',
  // LocalFunctionOptions.concurrency, RuntimeApiOptions.maxConcurrency (Node.js only)
  'concurrency',
  'maxConcurrency',
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
 * Props that exist only inside `bundling` (RustBundlingOptions). Written on their own they are Cargo's words
 * (`[profile.release]`, `--target`, `build.target-dir`), so a path that starts with one is not a prop path.
 */
const BUNDLING_ONLY: ReadonlySet<string> = new Set(['features', 'profile', 'target', 'network', 'exclude', 'builder']);

/**
 * `text` with the prop names it mentions spelled for `language`.
 *
 * Prop paths are found as dotted words (`bundling.cargoArgs[2]`, `errorRateAlarm.threshold`). A camelCase prop
 * name is rewritten wherever it stands; a one-word name (`profile`, `architecture`) only inside a path that starts
 * with a prop, or as a label directly before `:` or `[`, so prose ("the function's architecture"), Cargo's own
 * keys (`[profile.release]`, `build.target-dir`), flags (`--target`) and file paths are left alone. Map keys
 * (`bundling.buildEnvironment.FOO`) are not prop names and stay as given.
 */
export function inHostSpelling(text: string, language: HostLanguage): string {
  if (language === 'typescript' || language === 'java') return text;
  const path = /(?<![\w$/\-.[])([a-z][A-Za-z0-9]*)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)(?![\w$\-\]])/g;
  return text.replace(path, (match: string, head: string, rest: string, offset: number) => {
    if (!PROP_NAMES.has(head)) return match;
    const isCamel = (word: string) => /[A-Z]/.test(word);
    const after = text.charAt(offset + match.length);
    const isLabel = rest === '' && (after === ':' || after === '[');
    if (!isCamel(head) && (BUNDLING_ONLY.has(head) || (rest === '' && !isLabel))) return match;
    const segments = rest.split(/(?=\.|\[)/).filter((segment) => segment !== '');
    const spelled = segments.map((segment) => {
      const name = segment.slice(1);
      return segment.startsWith('.') && PROP_NAMES.has(name) ? `.${spellProp(name, language)}` : segment;
    });
    return spellProp(head, language) + spelled.join('');
  });
}
