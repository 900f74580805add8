//! An HTTP service on actix-web, for ECS Fargate through cdk-rust's `RustServiceImage`.
//!
//! It shows what a service needs to run in cdk-rust's image, which holds the static binary and nothing else
//! (no shell, no curl):
//!
//! - Routes: `GET /health` answers `{"status":"ok"}`; `GET /hello/{name}` answers
//!   `{"message":"<greeting> <name>, from a Rust service on ECS"}`; anything else is a 404.
//! - Configuration files read at start relative to the working directory, as many services do (zero2prod's
//!   `configuration/` pattern): `configuration/base.json`, then `configuration/$APP_ENVIRONMENT.json` when
//!   `APP_ENVIRONMENT` is set, its keys over the base's. cdk-rust ships the directory with
//!   `files: [{ source: 'configuration' }]`, into the image's working directory `/app`.
//! - The port comes from `PORT` (default 8080, the image's default exposed port); the server binds `0.0.0.0`.
//! - `service healthcheck` is the container's health check: the binary itself, as there is nothing else to run.
//! - Graceful shutdown: ECS stops a task with SIGTERM, then SIGKILL once the stop timeout (30 s by default)
//!   has passed. actix-web handles SIGTERM itself: it stops accepting connections and gives requests in flight
//!   [`SHUTDOWN_TIMEOUT_SECS`] to finish. The binary is PID 1 in the container, where the kernel delivers
//!   only the signals a process handles: actix-web installs its handlers, so SIGTERM reaches it.
//!
//! Start and stop are logged to stderr, which ECS sends to the task's log driver (e.g. CloudWatch Logs).

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use actix_web::{get, web, App, HttpResponse, HttpServer, Responder};
use serde::{Deserialize, Serialize};

/// The port when `PORT` is not set: `RustServiceImage`'s default.
const DEFAULT_PORT: u16 = 8080;

/// Seconds that requests in flight get to finish after SIGTERM, well under ECS's default 30 s stop timeout.
const SHUTDOWN_TIMEOUT_SECS: u64 = 10;

/// How long `service healthcheck` may take in all (connect, send, read the status line).
const HEALTHCHECK_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Serialize)]
struct Greeting {
    message: String,
}

/// What the configuration files give the service.
#[derive(Clone, Deserialize)]
struct Settings {
    greeting: String,
}

#[get("/health")]
async fn health() -> impl Responder {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

#[get("/hello/{name}")]
async fn hello(name: web::Path<String>, settings: web::Data<Settings>) -> impl Responder {
    HttpResponse::Ok().json(Greeting {
        message: format!("{} {name}, from a Rust service on ECS", settings.greeting),
    })
}

/// Reads `configuration/base.json` from the working directory, then the `APP_ENVIRONMENT` file over it.
fn settings() -> Result<Settings, String> {
    let read = |name: &str| -> Result<serde_json::Map<String, serde_json::Value>, String> {
        let file = std::path::Path::new("configuration").join(format!("{name}.json"));
        let text = std::fs::read_to_string(&file).map_err(|error| {
            let dir = std::env::current_dir().unwrap_or_default();
            format!(
                "configuration file {:?} not found: {error}",
                dir.join(&file)
            )
        })?;
        serde_json::from_str(&text).map_err(|error| format!("{}: {error}", file.display()))
    };
    let mut merged = read("base")?;
    if let Ok(environment) = std::env::var("APP_ENVIRONMENT") {
        merged.extend(read(&environment)?);
    }
    serde_json::from_value(merged.into()).map_err(|error| format!("configuration: {error}"))
}

fn main() -> ExitCode {
    let port = match port() {
        Ok(port) => port,
        Err(message) => {
            eprintln!("service: {message}");
            return ExitCode::FAILURE;
        }
    };
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (None, _) => match settings()
            .map_err(io::Error::other)
            .and_then(|settings| actix_web::rt::System::new().block_on(serve(port, settings)))
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("service: {error}");
                ExitCode::FAILURE
            }
        },
        (Some("healthcheck"), None) => healthcheck(port),
        _ => {
            eprintln!("usage: service [healthcheck]");
            ExitCode::from(2)
        }
    }
}

/// The port from `PORT`, or [`DEFAULT_PORT`] when it is not set.
fn port() -> Result<u16, String> {
    match std::env::var("PORT") {
        Err(std::env::VarError::NotPresent) => Ok(DEFAULT_PORT),
        Ok(value) => value
            .parse()
            .map_err(|_| format!("PORT is {value:?}, not a port number")),
        Err(std::env::VarError::NotUnicode(value)) => {
            Err(format!("PORT is {value:?}, not a port number"))
        }
    }
}

/// Serves until SIGTERM (graceful shutdown) or SIGINT (immediate), both handled by actix-web.
async fn serve(port: u16, settings: Settings) -> io::Result<()> {
    let settings = web::Data::new(settings);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(settings.clone())
            .service(health)
            .service(hello)
    })
    .bind((Ipv4Addr::UNSPECIFIED, port))?
    .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS)
    .run();
    eprintln!(
        "service: listening on 0.0.0.0:{port} (pid {})",
        std::process::id()
    );
    server.await?;
    eprintln!("service: stopped");
    Ok(())
}

/// `service healthcheck`: the container's health check, as the image has no shell or curl to run one.
///
/// Connects to `127.0.0.1:$PORT` (the same `PORT` as the server's: a health check runs with the container's
/// environment), sends `GET /health HTTP/1.0` and exits 0 when the status line says 200, 1 otherwise
/// (connection refused, another status, no answer within [`HEALTHCHECK_TIMEOUT`]). In a `RustServiceImage`:
///
/// ```ts
/// healthCheck: { args: ['healthcheck'] }
/// ```
fn healthcheck(port: u16) -> ExitCode {
    match status_line(port) {
        Ok(line) if is_ok(&line) => ExitCode::SUCCESS,
        Ok(line) => {
            eprintln!("healthcheck: GET /health answered {line:?}");
            ExitCode::FAILURE
        }
        // A read that times out fails with WouldBlock on Unix, TimedOut elsewhere.
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            eprintln!(
                "healthcheck: no answer from 127.0.0.1:{port} within {HEALTHCHECK_TIMEOUT:?}"
            );
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("healthcheck: GET /health on 127.0.0.1:{port}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Requests `/health` and returns the response's status line, all within [`HEALTHCHECK_TIMEOUT`].
fn status_line(port: u16) -> io::Result<String> {
    let deadline = Instant::now() + HEALTHCHECK_TIMEOUT;
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&address, HEALTHCHECK_TIMEOUT)?;
    stream.set_write_timeout(Some(remaining(deadline)?))?;
    stream.write_all(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;

    // Read until the end of the status line (or of the response), a few bytes at most.
    let mut head = Vec::new();
    let mut buffer = [0u8; 256];
    while !head.contains(&b'\n') && head.len() < 1024 {
        stream.set_read_timeout(Some(remaining(deadline)?))?;
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let line = head.split(|&byte| byte == b'\n').next().unwrap_or_default();
    Ok(String::from_utf8_lossy(line).trim_end().to_string())
}

/// The time left until `deadline`, or a timeout error when there is none.
fn remaining(deadline: Instant) -> io::Result<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|left| !left.is_zero())
        .ok_or_else(|| io::ErrorKind::TimedOut.into())
}

/// Whether a status line is `HTTP/1.x 200 ...`.
fn is_ok(status_line: &str) -> bool {
    let mut parts = status_line.split(' ');
    parts
        .next()
        .is_some_and(|version| version.starts_with("HTTP/1."))
        && parts.next() == Some("200")
}
