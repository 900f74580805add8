//! A Lambda function whose greeting comes from a private crate, fetched over SSH at build time.
//!
//! Event: `{"name": "Ferris"}`. Response: `{"message": "hello Ferris, from a private git dependency"}`.

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::{json, Value};

async fn handle(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let name = event.payload.get("name").and_then(Value::as_str).unwrap_or("world");
    Ok(json!({ "message": private_greeting::greeting(name) }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    lambda_runtime::run(service_fn(handle)).await
}
