//! An example Lambda extension, deployed by cdk-rust's `RustExtension` as a layer holding
//! `extensions/telemetry-extension`.
//!
//! Lambda starts it before the function's runtime. It registers with the Extensions API for INVOKE and
//! SHUTDOWN events, then logs one line per invocation (to the function's log group) until SHUTDOWN.
//! The Extensions API is three plain HTTP calls on `AWS_LAMBDA_RUNTIME_API`, so the standard library
//! is enough: no async runtime, a binary of a few hundred KiB, and next to no cold-start cost.
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// The name Lambda knows the extension by: its file name under /opt/extensions (the bin's name).
const NAME: &str = env!("CARGO_BIN_NAME");

/// One HTTP/1.1 request to the Extensions API; returns the response's headers (lower-case names) and body.
fn call(api: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> io::Result<(Vec<(String, String)>, String)> {
    let mut stream = TcpStream::connect(api)?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {api}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes())?;

    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status)?;
    let mut response_headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            response_headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let length = response_headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse::<usize>().ok());
    let mut response_body = String::new();
    match length {
        Some(n) => {
            let mut buffer = vec![0; n];
            reader.read_exact(&mut buffer)?;
            response_body = String::from_utf8_lossy(&buffer).into_owned();
        }
        None => {
            reader.read_to_string(&mut response_body)?;
        }
    }
    if !status.split_whitespace().nth(1).is_some_and(|code| code.starts_with('2')) {
        return Err(io::Error::other(format!("{method} {path}: {} {}", status.trim(), response_body.trim())));
    }
    Ok((response_headers, response_body))
}

/// The value of a string field in a flat JSON object (the events carry plain ASCII ids and names).
fn field<'a>(json: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("\"{name}\"");
    let rest = &json[json.find(&key)? + key.len()..];
    let rest = &rest[rest.find('"')? + 1..];
    Some(&rest[..rest.find('"')?])
}

fn run() -> io::Result<()> {
    let api = std::env::var("AWS_LAMBDA_RUNTIME_API")
        .map_err(|_| io::Error::other("AWS_LAMBDA_RUNTIME_API is not set: Lambda starts this extension from a layer"))?;
    let (headers, _) = call(
        &api,
        "POST",
        "/2020-01-01/extension/register",
        &[("Lambda-Extension-Name", NAME), ("Content-Type", "application/json")],
        r#"{"events":["INVOKE","SHUTDOWN"]}"#,
    )?;
    let id = headers
        .iter()
        .find(|(name, _)| name == "lambda-extension-identifier")
        .map(|(_, value)| value.clone())
        .ok_or_else(|| io::Error::other("the register response has no Lambda-Extension-Identifier"))?;
    println!("[{NAME}] registered");
    loop {
        let (_, event) = call(&api, "GET", "/2020-01-01/extension/event/next", &[("Lambda-Extension-Identifier", &id)], "")?;
        match field(&event, "eventType") {
            Some("INVOKE") => println!("[{NAME}] invoke {}", field(&event, "requestId").unwrap_or("?")),
            Some("SHUTDOWN") => {
                println!("[{NAME}] shutdown ({})", field(&event, "shutdownReason").unwrap_or("?"));
                return Ok(());
            }
            other => println!("[{NAME}] event {}", other.unwrap_or("?")),
        }
    }
}

fn main() {
    if let Err(error) = run() {
        eprintln!("[{NAME}] {error}");
        std::process::exit(1);
    }
}
