import * as api from '../lib';
import type {
  AlarmOptions,
  AlarmTopicProps,
  ArtifactFile,
  AssemblyFunction,
  CdkRustErrorCode,
  DurationAlarmOptions,
  DurationAlarmProps,
  ErrorRateAlarmOptions,
  ErrorRateAlarmProps,
  InvocationStream,
  InvokeLocallyOptions,
  LocalFunctionOptions,
  ManagedInstancesOptions,
  OperationsDashboardProps,
  ResponseHead,
  RuntimeApiOptions,
  RustBundlingOptions,
  RustFunctionProps,
  RustFunctionUrlOptions,
  RustServiceAutoScaling,
  ServiceAlarmsOptions,
  ServiceAlarmsProps,
  Http5xxRateAlarmOptions,
  ResponseTimeAlarmOptions,
  ThrottlesAlarmOptions,
  ThrottlesAlarmProps,
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
      'DurationAlarm',
      'ErrorRateAlarm',
      'FunctionAlarm',
      'FunctionPackaging',
      'LocalFunction',
      'MAX_PAYLOAD_BYTES',
      'MAX_STREAMED_RESPONSE_BYTES',
      'OperationsDashboard',
      'RuntimeApiServer',
      'RustExtension',
      'RustFunction',
      'RustService',
      'RustServiceImage',
      'ServiceAlarms',
      'ThrottlesAlarm',
      'findAssemblyService',
      'invokeLocally',
      'invokeLocallyStream',
      'listAssemblyFunctions',
      'listAssemblyServices',
      'localFunctionFromAssembly',
      'runServiceLocally',
    ]);
  });

  test('the option types it exports (checked by the compiler)', () => {
    const options: Array<
      | RustFunctionProps
      | RustFunctionUrlOptions
      | ManagedInstancesOptions
      | OperationsDashboardProps
      | RustBundlingOptions
      | ArtifactFile
      | ErrorRateAlarmOptions
      | ErrorRateAlarmProps
      | DurationAlarmOptions
      | DurationAlarmProps
      | ThrottlesAlarmOptions
      | ThrottlesAlarmProps
      | AlarmTopicProps
      | InvokeLocallyOptions
      | InvocationStream
      | ResponseHead
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
      | ResponseTimeAlarmOptions
      | UnhealthyHostsAlarmOptions
      | UtilizationAlarmOptions
      | AlarmSubscriptionOptions
      | AlarmOptions
    > = [];
    expect(options).toEqual([]);
  });
});
