import * as api from '../lib';
import type {
  AlarmTopicProps,
  AssemblyFunction,
  CdkRustErrorCode,
  ErrorRateAlarmOptions,
  ErrorRateAlarmProps,
  InvokeLocallyOptions,
  LocalFunctionOptions,
  RuntimeApiOptions,
  RustBundlingOptions,
  RustFunctionProps,
  RustServiceAutoScaling,
  ServiceAlarmsOptions,
  ServiceAlarmsProps,
  Http5xxRateAlarmOptions,
  UnhealthyHostsAlarmOptions,
  UtilizationAlarmOptions,
  AlarmSubscriptionOptions,
  RustServiceImageProps,
  RustServiceProps,
  ServiceHealthCheck,
} from '../lib';

describe('index: the public API is what users call, and nothing else', () => {
  test('the values it exports', () => {
    expect(Object.keys(api).sort()).toEqual([
      'AlarmTopic',
      'CdkRustError',
      'ErrorRateAlarm',
      'LocalFunction',
      'MAX_PAYLOAD_BYTES',
      'RuntimeApiServer',
      'RustExtension',
      'RustFunction',
      'RustService',
      'RustServiceImage',
      'ServiceAlarms',
      'findAssemblyService',
      'invokeLocally',
      'listAssemblyFunctions',
      'listAssemblyServices',
      'localFunctionFromAssembly',
      'runServiceLocally',
    ]);
  });

  test('the option types it exports (checked by the compiler)', () => {
    const options: Array<
      | RustFunctionProps
      | RustBundlingOptions
      | ErrorRateAlarmOptions
      | ErrorRateAlarmProps
      | AlarmTopicProps
      | InvokeLocallyOptions
      | LocalFunctionOptions
      | RuntimeApiOptions
      | AssemblyFunction
      | CdkRustErrorCode
      | RustServiceImageProps
      | RustServiceProps
      | RustServiceAutoScaling
      | ServiceHealthCheck
      | ServiceAlarmsOptions
      | ServiceAlarmsProps
      | Http5xxRateAlarmOptions
      | UnhealthyHostsAlarmOptions
      | UtilizationAlarmOptions
      | AlarmSubscriptionOptions
    > = [];
    expect(options).toEqual([]);
  });
});
