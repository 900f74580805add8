//! A Lambda function on the real `lambda_runtime` crate that streams its response: one line at a time, with a
//! pause between lines, so that a client (a function URL in `RESPONSE_STREAM` mode, `InvokeWithResponseStream`,
//! or `cdk-rust invoke`) sees each line as soon as it is written.
//!
//! Event (every field optional): `{"lines": 5, "delayMs": 200, "crashAfter": 2}`. `lines` (at most 100) lines are
//! streamed, `delayMs` apart. With `crashAfter`, the process exits after that many lines, as a crash would: the
//! stream is cut mid-way and Lambda reports the invocation as failed. A function URL's request event has none of
//! these fields, so it gets the defaults.

use std::time::Duration;

use http::{header::CONTENT_TYPE, HeaderMap, HeaderValue};
use lambda_runtime::streaming::{channel, Body, Response};
use lambda_runtime::{service_fn, tracing, Error, LambdaEvent, MetadataPrelude};
use serde::Deserialize;

const MAX_LINES: u32 = 100;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    #[serde(default = "default_lines")]
    lines: u32,
    #[serde(default = "default_delay_ms")]
    delay_ms: u64,
    crash_after: Option<u32>,
}

fn default_lines() -> u32 {
    5
}

fn default_delay_ms() -> u64 {
    200
}

async fn stream_lines(event: LambdaEvent<Request>) -> Result<Response<Body>, Error> {
    let Request { lines, delay_ms, crash_after } = event.payload;
    let lines = lines.min(MAX_LINES);
    tracing::info!(lines, delay_ms, request_id = %event.context.request_id, "streaming");
    let (mut tx, rx) = channel();
    tokio::spawn(async move {
        for line in 1..=lines {
            if line > 1 {
                tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            }
            if crash_after == Some(line - 1) {
                tracing::error!(after = line - 1, "crashing mid-stream, as the event asked");
                std::process::exit(1);
            }
            if tx.send_data(format!("line {line} of {lines}\n").into()).await.is_err() {
                return; // the runtime stopped reading: the invocation is over
            }
        }
    });
    // The prelude a function URL turns into the HTTP status and headers.
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    let metadata_prelude = MetadataPrelude { headers, ..Default::default() };
    Ok(Response { metadata_prelude, stream: rx })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    // JSON logs when the function's logging format is JSON (RustFunction's default).
    tracing::init_default_subscriber();
    lambda_runtime::run(service_fn(stream_lines)).await
}
