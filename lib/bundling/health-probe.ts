/**
 * cdk-rust's health probe for service images: a tiny static program, built by cdk-rust in the same BuildKit build as
 * the service, that asks the service's health path on localhost and exits 0 when it answers 200-399.
 *
 * A service image holds no shell and no curl, so a container health check can only run a program in the image. The
 * user's binary rarely has a `healthcheck` subcommand; this probe needs nothing from it. Its source lives here, is
 * written into the Dockerfile (so it is part of the asset hash), and is built with the builder image's own cargo
 * in a stage that sees no user source, no cache mount, no SSH agent and no network (see dockerfile.ts).
 *
 * It lives in lib/bundling, not lib/service, because the Dockerfile renderer builds it: lib/bundling imports
 * nothing from lib/service.
 */
import { CdkRustError } from '../errors';

/** The probe's file name beside `bootstrap` in the build output. */
export const HEALTH_PROBE_FILE = 'healthcheck';

/** The Dockerfile stage that builds the probe. */
export const HEALTH_PROBE_STAGE = 'health-probe';

/** Where the probe's Cargo project is generated in its stage (removed in the same step). */
const PROBE_PROJECT = '/cdk-rust-health-probe';

/**
 * The probe's Rust source (std only, edition 2021): `healthcheck <port> <path>` sends `GET <path> HTTP/1.1` to
 * 127.0.0.1:<port> and reads the status line, all within 4 s (connect within 2 s). Exit status: 0 for 200-399; 1 for
 * any other status, a refused connection, a timeout or an answer that is not HTTP (one line on stderr says which);
 * 2 when the arguments are wrong (port 1-65535, path starting with "/" without spaces or control characters).
 */
export const HEALTH_PROBE_SOURCE = `//! cdk-rust's container health probe: "healthcheck <port> <path>" sends GET <path> to 127.0.0.1:<port> and
//! exits 0 when the answer's status is 200-399, 1 when it is anything else or does not come in time, and 2 when
//! the arguments are wrong. It needs no shell and no library: the image runs it as it is.
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The whole check ends within this, under the 5 s an ECS container health check waits by default.
const DEADLINE: Duration = Duration::from_secs(4);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const MAX_STATUS_LINE: usize = 1024;
const MAX_PATH: usize = 2048;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (port, path) = match parse_args(&args) {
        Ok(parsed) => parsed,
        Err(problem) => {
            eprintln!("healthcheck: {problem}; usage: healthcheck <port 1-65535> <path starting with />");
            return ExitCode::from(2);
        }
    };
    match probe(port, path) {
        Ok(status) if (200..400).contains(&status) => ExitCode::SUCCESS,
        Ok(status) => unhealthy(port, path, &format!("the answer's status is {status}")),
        Err(problem) => unhealthy(port, path, &problem),
    }
}

fn unhealthy(port: u16, path: &str, why: &str) -> ExitCode {
    eprintln!("healthcheck: GET http://127.0.0.1:{port}{path}: {why}");
    ExitCode::from(1)
}

fn parse_args(args: &[String]) -> Result<(u16, &str), String> {
    let [port, path] = args else {
        return Err(format!("expected 2 arguments, got {}", args.len()));
    };
    let number = port.parse::<u16>().ok().filter(|&p| p > 0 && port.bytes().all(|b| b.is_ascii_digit()));
    let Some(number) = number else {
        return Err(format!("the port {port:?} is not a number from 1 to 65535"));
    };
    if !path.starts_with('/') || path.len() > MAX_PATH || path.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(format!("the path {path:?} must start with / and hold no space or control character"));
    }
    Ok((number, path))
}

fn probe(port: u16, path: &str) -> Result<u16, String> {
    let started = Instant::now();
    let left = || DEADLINE.checked_sub(started.elapsed()).filter(|d| !d.is_zero()).ok_or_else(too_late);
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&address, CONNECT_TIMEOUT).map_err(|e| describe(e, "connect"))?;
    stream.set_write_timeout(Some(left()?)).map_err(|e| describe(e, "send"))?;
    let request = format!(
        "GET {path} HTTP/1.1\\r\\nHost: localhost\\r\\nUser-Agent: cdk-rust-healthcheck\\r\\nAccept: */*\\r\\nConnection: close\\r\\n\\r\\n"
    );
    stream.write_all(request.as_bytes()).map_err(|e| describe(e, "send"))?;
    let mut answer = Vec::new();
    let mut buffer = [0u8; 512];
    while !answer.contains(&b'\\n') {
        if answer.len() > MAX_STATUS_LINE {
            return Err("the answer's first line is too long for an HTTP status line".into());
        }
        stream.set_read_timeout(Some(left()?)).map_err(|e| describe(e, "read"))?;
        match stream.read(&mut buffer).map_err(|e| describe(e, "read"))? {
            0 => return Err("the connection closed before an HTTP status line".into()),
            n => answer.extend_from_slice(&buffer[..n]),
        }
    }
    status_of(&answer)
}

/// The status of "HTTP/1.x NNN reason".
fn status_of(answer: &[u8]) -> Result<u16, String> {
    let line = String::from_utf8_lossy(answer.split(|&b| b == b'\\n').next().unwrap_or_default());
    let mut words = line.trim_end().split(' ');
    match (words.next(), words.next()) {
        (Some(version), Some(code)) if version.starts_with("HTTP/1.") && code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) => {
            code.parse().map_err(|_| format!("{code:?} is not a status"))
        }
        _ => Err(format!("the answer is not HTTP: {:?}", line.trim_end())),
    }
}

fn describe(error: std::io::Error, step: &str) -> String {
    match error.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => too_late(),
        _ => format!("could not {step}: {error}"),
    }
}

fn too_late() -> String {
    format!("no answer within {} s", DEADLINE.as_secs())
}
`;

/** The probe's Cargo.toml: no dependencies, built for size (the binary is about 300 KB). */
export const HEALTH_PROBE_MANIFEST = `[package]
name = "healthcheck"
version = "1.0.0"
edition = "2021"

[workspace]

[profile.release]
opt-level = "z"
lto = true
codegen-units = 1
panic = "abort"
strip = true
`;

/**
 * The shell commands of the probe's stage, for `target`: write the project from base64 (the 20.10 engine's builtin
 * Dockerfile frontend has no heredocs), build it offline with the image's cargo, and leave the binary at
 * `/out/healthcheck` (0755), removing the project and its target directory so the layer holds only the binary.
 *
 * A toolchain that builds the std from source (`-Zbuild-std` in its cargo config) needs the std's own
 * crates: they are taken from the vendored copy that the toolchain's rust-src ships
 * (`<sysroot>/lib/rustlib/src/rust/library/vendor`) when there is one, so the step needs no registry, no network
 * and no cache of the user's. A toolchain with a prebuilt std (rustup's musl targets) needs nothing at all.
 */
export function healthProbeCommands(target: string): string[] {
  const binary = `${PROBE_PROJECT}/target/${target}/release/${HEALTH_PROBE_FILE}`;
  const gnu = target.endsWith('-gnu') ? ` --config 'target.${target}.rustflags=["-C","target-feature=+crt-static"]'` : '';
  return [
    `mkdir -p ${PROBE_PROJECT}/src /out`,
    `cd ${PROBE_PROJECT}`,
    `printf %s ${base64(HEALTH_PROBE_MANIFEST)} | base64 -d > Cargo.toml`,
    `printf %s ${base64(HEALTH_PROBE_SOURCE)} | base64 -d > src/main.rs`,
    'vendor="$(rustc --print sysroot)/lib/rustlib/src/rust/library/vendor"',
    'if [ -d "$vendor" ]; then set -- --config \'source.crates-io.replace-with="cdk-rust-std-vendor"\' ' +
      '--config "source.cdk-rust-std-vendor.directory=\\"$vendor\\""; else set --; fi',
    `cargo build --offline --release --target ${target} --target-dir ${PROBE_PROJECT}/target${gnu} "$@"`,
    `install -m 0755 ${binary} /out/${HEALTH_PROBE_FILE}`,
    `cd / && rm -rf ${PROBE_PROJECT}`,
  ];
}

/**
 * The arguments the probe takes for a health check of `path` on `port`, checked as the probe checks them, so a
 * wrong value fails at synth time instead of as an unhealthy container. `prop` names the path's prop in errors.
 */
export function healthProbeArguments(port: number, path: string, prop = 'healthCheckPath'): string[] {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CdkRustError('INVALID_PROP', `port: ${port} is not a TCP port (1-65535).`, 'give the port the service listens on.');
  }
  if (!path.startsWith('/') || path.length > 2048 || [...path].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop}: ${JSON.stringify(path)} is not a path the health probe can ask for: ` +
        'it must start with "/" and hold no space or control character.',
      'give the path alone, e.g. "/health" (percent-encode a space as %20).',
    );
  }
  return [String(port), path];
}

function base64(text: string): string {
  return Buffer.from(text, 'utf-8').toString('base64');
}
