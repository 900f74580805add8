/**
 * The build a function of `cdk-rust watch` serves: its warm LocalFunction, and how many requests it is answering, so
 * that a build replaced by a newer one stops only once its requests are answered.
 */
import { LocalFunction } from '../invoke/local-function';

/** The build a function serves. */
export interface ServedBuild {
  readonly fn: LocalFunction;
  readonly hash: string;
  readonly codeDirectory: string;
  /** The directory is the session's (a watch build), not the assembly's: removed once unused. */
  readonly owned: boolean;
  /** The requests it is answering. */
  inflight: number;
  /** A newer build replaced it: it stops once `inflight` is 0. */
  retired: boolean;
}
