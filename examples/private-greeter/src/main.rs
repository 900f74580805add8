//! A Lambda function whose greeting comes from a private crate, fetched over SSH at build time.
//!
//! Event: `{"name": "Ferris"}`. Response: `{"message": "hello Ferris, from a private git dependency"}`.

use lambda_runtime::{service_fn, tracing, Error, LambdaEvent};
use serde_json::{json, Value};

async fn handle(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let name = event.payload.get("name").and_then(Value::as_str).unwrap_or("world");
    // A structured event: with JSON logs, `name` and `request_id` are keys of the line's `fields`.
    tracing::info!(name, request_id = %event.context.request_id, "greeting");
    Ok(json!({ "message": private_greeting::greeting(name) }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    // JSON logs when the function's logging format is JSON (RustFunction's default).
    tracing::init_default_subscriber();
    lambda_runtime::run(service_fn(handle)).await
}
