/**
 * The function URL a RustFunction can have: its options, and the checks they get at synth time.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CdkRustError } from './errors';

/**
 * A RustFunction's function URL (an HTTPS endpoint of its own).
 *
 * With `invokeMode: lambda.InvokeMode.RESPONSE_STREAM`, a function that streams its response (e.g. with
 * `lambda_runtime::streaming`) sends it to the caller as it is written, up to 200 MB.
 */
export interface RustFunctionUrlOptions {
  /**
   * How the URL returns the function's response.
   *
   * `BUFFERED` waits for the whole response (at most 6 MB); `RESPONSE_STREAM` sends it as the function writes it.
   * Lambda does not stream through a function URL to a function in a VPC: `RESPONSE_STREAM` with `vpc` is refused.
   *
   * @default lambda.InvokeMode.BUFFERED
   */
  readonly invokeMode?: lambda.InvokeMode;

  /**
   * Who may call the URL.
   *
   * `AWS_IAM`: only SigV4-signed requests of principals allowed `lambda:InvokeFunctionUrl` (grant it with
   * `grantInvokeUrl`). `NONE`: anyone who knows the URL, and whatever they send is billed to you; choose it
   * knowingly (cdk-rust acknowledges no finding for it).
   *
   * @default lambda.FunctionUrlAuthType.AWS_IAM
   */
  readonly authType?: lambda.FunctionUrlAuthType;

  /**
   * The URL's CORS settings, for calls from a web page.
   *
   * @default - no CORS headers
   */
  readonly cors?: lambda.FunctionUrlCorsOptions;
}

/**
 * The options of `functionUrl`, with the defaults filled in; fails with `INVALID_PROP` on a setting Lambda cannot
 * serve, naming the prop and the construct.
 */
export function resolveFunctionUrlOptions(
  options: RustFunctionUrlOptions,
  inVpc: boolean,
  constructPath: string,
): lambda.FunctionUrlOptions {
  const invokeMode = options.invokeMode ?? lambda.InvokeMode.BUFFERED;
  if (invokeMode === lambda.InvokeMode.RESPONSE_STREAM && inVpc) {
    throw new CdkRustError(
      'INVALID_PROP',
      'functionUrl.invokeMode is RESPONSE_STREAM, but the function is in a VPC (vpc is set): Lambda function URLs do not stream responses of functions in a VPC.',
      'use invokeMode BUFFERED (or leave it out), take the function out of the VPC, or stream through the InvokeWithResponseStream API (with a Lambda interface VPC endpoint).',
      constructPath,
    );
  }
  return {
    invokeMode,
    authType: options.authType ?? lambda.FunctionUrlAuthType.AWS_IAM,
    ...(options.cors ? { cors: options.cors } : {}),
  };
}
