//! A Lambda function for Lambda Managed Instances, on the real `lambda_runtime` crate.
//!
//! One execution environment serves many invocations at once: `run_concurrent` starts as many workers as
//! `AWS_LAMBDA_MAX_CONCURRENCY` says, all sharing this process. The handler is `Clone + Send`; what the
//! invocations share (here a counter) lives behind an `Arc`, and nothing about one request is kept in a global.
//!
//! Event: `{"name": "Ferris", "waitMs": 50}` (both optional; `waitMs` stands for a call to another service).
//! Response: `{"message": "Hello, Ferris!", "servedByThisEnvironment": 3}`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lambda_runtime::{service_fn, tracing, Error, LambdaEvent};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    name: Option<String>,
    #[serde(default)]
    wait_ms: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    message: String,
    served_by_this_environment: u64,
}

async fn greet(served: Arc<AtomicU64>, event: LambdaEvent<Request>) -> Result<Response, Error> {
    let request = event.payload;
    // Waiting yields to the other invocations of this process: this is where concurrency pays.
    tokio::time::sleep(Duration::from_millis(request.wait_ms.min(10_000))).await;
    let name = request.name.unwrap_or_else(|| "world".to_string());
    let count = served.fetch_add(1, Ordering::Relaxed) + 1;
    tracing::info!(%name, request_id = %event.context.request_id, count, "greeting");
    Ok(Response { message: format!("Hello, {name}!"), served_by_this_environment: count })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let served = Arc::new(AtomicU64::new(0));
    lambda_runtime::run_concurrent(service_fn(move |event| greet(served.clone(), event))).await
}
