//! A Lambda function on the real `lambda_runtime` crate.
//!
//! Event: `{"name": "Ferris"}` (name optional). Response: `{"message": "Hello, Ferris!"}`.
//! An event with `"fail": true` returns an error, which Lambda counts in the function's `Errors`
//! metric, and so in cdk-rust's error-rate alarm.

use lambda_runtime::{service_fn, tracing, Diagnostic, Error, LambdaEvent};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Request {
    name: Option<String>,
    #[serde(default)]
    fail: bool,
}

#[derive(Serialize)]
struct Response {
    message: String,
}

/// The function's own error: Lambda reports it with this `errorType`.
#[derive(Debug)]
struct FailRequested;

impl From<FailRequested> for Diagnostic {
    fn from(_: FailRequested) -> Diagnostic {
        Diagnostic {
            error_type: "FailRequested".into(),
            error_message: "the event asked this function to fail".into(),
        }
    }
}

async fn greet(event: LambdaEvent<Request>) -> Result<Response, FailRequested> {
    let request = event.payload;
    if request.fail {
        return Err(FailRequested);
    }
    let name = request.name.unwrap_or_else(|| "world".to_string());
    tracing::info!(%name, request_id = %event.context.request_id, "greeting");
    Ok(Response { message: format!("Hello, {name}!") })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    // JSON logs when the function's logging format is JSON (RustFunction's default).
    tracing::init_default_subscriber();
    lambda_runtime::run(service_fn(greet)).await
}
