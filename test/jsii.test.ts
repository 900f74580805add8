import * as fs from 'fs';
import * as path from 'path';
import { PROP_NAMES } from '../lib/private/host-spelling';

interface JsiiProperty {
  readonly name: string;
  readonly optional?: boolean;
  readonly static?: boolean;
  readonly type: unknown;
}
interface JsiiType {
  readonly kind: 'class' | 'interface' | 'enum';
  readonly datatype?: boolean;
  readonly abstract?: boolean;
  readonly base?: string;
  readonly interfaces?: string[];
  readonly properties?: JsiiProperty[];
}

/** The assembly `npm run build` writes (jsii): what Python, Java and Go are generated from. */
function assembly(): { types: Record<string, JsiiType>; dependencies: Record<string, string> } {
  const file = path.join(__dirname, '..', '.jsii');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (jsii writes it).`);
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

describe('jsii: the API other languages get', () => {
  test('the constructs and their option structs, and nothing Node-only', () => {
    expect(Object.keys(assembly().types).sort()).toEqual([
      'cdk-rust.AlarmOptions',
      'cdk-rust.AlarmSubscriptionOptions',
      'cdk-rust.AlarmTopic',
      'cdk-rust.AlarmTopicProps',
      'cdk-rust.ArtifactFile',
      'cdk-rust.DurationAlarm',
      'cdk-rust.DurationAlarmOptions',
      'cdk-rust.DurationAlarmProps',
      'cdk-rust.ErrorRateAlarm',
      'cdk-rust.ErrorRateAlarmOptions',
      'cdk-rust.ErrorRateAlarmProps',
      'cdk-rust.FunctionAlarm',
      'cdk-rust.FunctionPackaging',
      'cdk-rust.Http5xxRateAlarmOptions',
      'cdk-rust.ManagedInstancesOptions',
      'cdk-rust.OperationsDashboard',
      'cdk-rust.OperationsDashboardProps',
      'cdk-rust.ResponseTimeAlarmOptions',
      'cdk-rust.RustBundlingOptions',
      'cdk-rust.RustExtension',
      'cdk-rust.RustExtensionProps',
      'cdk-rust.RustFunction',
      'cdk-rust.RustFunctionProps',
      'cdk-rust.RustFunctionUrlOptions',
      'cdk-rust.RustService',
      'cdk-rust.RustServiceAutoScaling',
      'cdk-rust.RustServiceImage',
      'cdk-rust.RustServiceImageProps',
      'cdk-rust.RustServiceProps',
      'cdk-rust.ServiceAlarms',
      'cdk-rust.ServiceAlarmsOptions',
      'cdk-rust.ServiceAlarmsProps',
      'cdk-rust.ServiceHealthCheck',
      'cdk-rust.ThrottlesAlarm',
      'cdk-rust.ThrottlesAlarmOptions',
      'cdk-rust.ThrottlesAlarmProps',
      'cdk-rust.UnhealthyHostsAlarmOptions',
      'cdk-rust.UtilizationAlarmOptions',
    ]);
  });

  test('the defaults users need are class constants, since jsii drops module constants', () => {
    const statics = (fqn: string) =>
      (assembly().types[fqn].properties ?? [])
        .filter((p) => p.static)
        .map((p) => p.name)
        .sort();
    expect(statics('cdk-rust.RustFunction')).toEqual(['DEFAULT_MEMORY_SIZE', 'DEFAULT_TIMEOUT']);
    expect(statics('cdk-rust.ErrorRateAlarm')).toEqual(['DEFAULT_PERIOD', 'DEFAULT_THRESHOLD']);
    expect(statics('cdk-rust.DurationAlarm')).toEqual(['DEFAULT_PERIOD', 'DEFAULT_THRESHOLD']);
    expect(statics('cdk-rust.ThrottlesAlarm')).toEqual(['DEFAULT_PERIOD', 'DEFAULT_THRESHOLD']);
    expect(statics('cdk-rust.RustServiceImage')).toEqual(['DEFAULT_PORT']);
    expect(statics('cdk-rust.OperationsDashboard')).toEqual(['DEFAULT_PERIOD']);
  });

  test('the alarms on a function extend the abstract FunctionAlarm, and every alarm option struct extends AlarmOptions', () => {
    const { types } = assembly();
    expect(types['cdk-rust.FunctionAlarm'].abstract).toBe(true);
    for (const alarm of ['ErrorRateAlarm', 'DurationAlarm', 'ThrottlesAlarm']) {
      expect(types[`cdk-rust.${alarm}`].base).toBe('cdk-rust.FunctionAlarm');
    }
    const options = ['ErrorRate', 'Duration', 'Throttles', 'Http5xxRate', 'ResponseTime', 'UnhealthyHosts', 'Utilization'];
    for (const alarm of options) {
      expect(types[`cdk-rust.${alarm}AlarmOptions`].interfaces).toContain('cdk-rust.AlarmOptions');
    }
  });

  test('errorRateAlarm is a boolean-or-options union there (so RustFunction refuses true)', () => {
    const prop = assembly().types['cdk-rust.RustFunctionProps'].properties?.find((p) => p.name === 'errorRateAlarm');
    expect(prop?.type).toEqual({ union: { types: [{ primitive: 'boolean' }, { fqn: 'cdk-rust.ErrorRateAlarmOptions' }] } });
  });

  test('every prop of every struct can be spelled in the calling language in error messages', () => {
    const props = Object.values(assembly().types)
      .filter((t) => t.datatype)
      .flatMap((t) => (t.properties ?? []).map((p) => p.name));
    expect(props.filter((name) => !PROP_NAMES.has(name))).toEqual([]);
  });

  test('aws-cdk-lib is required at the floor the peer dependency names', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf-8'));
    expect(assembly().dependencies['aws-cdk-lib']).toBe(pkg.peerDependencies['aws-cdk-lib']);
  });
});
