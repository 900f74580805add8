//! A Lambda function on the real `lambda_runtime` crate.
//!
//! Event: `{"name": "Ferris"}` (name optional). Response: `{"message": "Hello, Ferris!"}`.
//! An event with `"fail": true` returns an error, which Lambda counts in the function's `Errors`
//! metric, and so in cdk-rust's error-rate alarm.

use lambda_runtime::{service_fn, tracing, Error, LambdaEvent};
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

async fn greet(event: LambdaEvent<Request>) -> Result<Response, Error> {
    let request = event.payload;
    if request.fail {
        return Err("the event asked this function to fail".into());
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
