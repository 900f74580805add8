/** Progress and warnings for people: one `[cdk-rust]` line on stderr, never on stdout (which carries results). */
export function progress(message: string): void {
  process.stderr.write(`[cdk-rust] ${message}\n`);
}

/** A warning line on stderr (`[cdk-rust] warning: ...`). */
export function warn(message: string): void {
  progress(`warning: ${message}`);
}
