#!/usr/bin/env python3
"""The Python example app: cdk-rust from a Python CDK app, through the wheel that `npm run package` builds.

- ``PrivateGreeter``: a RustFunction whose crate has a private git dependency, fetched over the forwarded SSH agent
  with the git host's key pinned (the same crate as the TypeScript private-dependency example).
- ``PlainErrors``: an ErrorRateAlarm on an ordinary Lambda function, not a Rust one.

Run it with ``cdk synth`` in this folder (cdk.json runs ``python3 app.py``). The test suite runs it in a fresh
virtualenv and checks that its template equals the one TypeScript synthesizes from the same constructs
(test/languages/python.e2e.test.ts).
"""
import os
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from cdk_rust import ErrorRateAlarm, RustBundlingOptions, RustFunction

EXAMPLES = Path(__file__).resolve().parent.parent

# The inline code of the plain function (the TypeScript twin in the tests uses the same text).
PLAIN_HANDLER = "def handler(event, context):\n    return event\n"


class PythonExampleStack(cdk.Stack):
    """A Rust function with a private dependency, and an error-rate alarm on a plain function."""

    def __init__(self, scope: Construct, construct_id: str, *, known_hosts: list[str], **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        RustFunction(
            self,
            "PrivateGreeter",
            manifest_path=str(EXAMPLES / "private-greeter" / "Cargo.toml"),
            # Pin the git host's key: for GitHub, the lines GitHub publishes.
            bundling=RustBundlingOptions(known_hosts=known_hosts),
        )

        plain = lambda_.Function(
            self,
            "Plain",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=lambda_.Code.from_inline(PLAIN_HANDLER),
        )
        ErrorRateAlarm(self, "PlainErrors", function=plain, threshold=10)


def example_known_hosts() -> list[str]:
    """The pinned key of the examples' git server, which scripts/dev-env.sh runs on 127.0.0.1:22222."""
    default = EXAMPLES.parent / ".dev-env" / "known_hosts"
    path = Path(os.environ.get("CDK_RUST_TEST_KNOWN_HOSTS", default))
    if not path.exists():
        raise SystemExit(f"The private-dependency example needs its git server: run scripts/dev-env.sh up (no {path}).")
    return [line for line in path.read_text().splitlines() if line.strip()]


if __name__ == "__main__":
    app = cdk.App()
    PythonExampleStack(app, "CdkRustPython", known_hosts=example_known_hosts())
    app.synth()
