"""Bad input from Python, one case per command-line argument; prints one JSON line per case.

Run by test/languages/python.e2e.test.ts inside the virtualenv that has the cdk-rust wheel. Each case builds a
RustFunction the way a Python user would get it wrong and reports the exception's type and message.
"""
import json
import sys

import aws_cdk as cdk

from cdk_rust import RustBundlingOptions, RustFunction

HELLO = sys.argv[1]


def wrong_type(stack):
    # A string where RustBundlingOptions.features wants a list of strings.
    RustFunction(stack, "WrongType", manifest_path=HELLO, bundling=RustBundlingOptions(features="serde"))


def bad_value(stack):
    RustFunction(stack, "BadValue", manifest_path=HELLO, bundling=RustBundlingOptions(cargo_args=["--target-dir", "x"]))


def alarm_true(stack):
    # Python types error_rate_alarm as `bool | ErrorRateAlarmOptions`; True is refused, not read as "the default".
    RustFunction(stack, "AlarmTrue", manifest_path=HELLO, error_rate_alarm=True, bundling=RustBundlingOptions(force_docker_bundling=True))


def missing_docker(stack):
    # The test sets CDK_DOCKER to a path with no Docker client; the build environment value makes a
    # build input no earlier run has cached, so a build (and Docker) is really needed.
    RustFunction(
        stack,
        "NoDocker",
        manifest_path=HELLO,
        bundling=RustBundlingOptions(force_docker_bundling=True, build_environment={"CDK_RUST_CASE": sys.argv[2]}),
    )


CASES = {"wrong_type": wrong_type, "bad_value": bad_value, "alarm_true": alarm_true, "missing_docker": missing_docker}

for name in sys.argv[3:]:
    stack = cdk.Stack(cdk.App(), "Errors")
    try:
        CASES[name](stack)
        print(json.dumps({"case": name, "raised": None}))
    except Exception as error:  # noqa: BLE001 - the test inspects whatever was raised
        print(json.dumps({"case": name, "raised": type(error).__name__, "message": str(error)}))
