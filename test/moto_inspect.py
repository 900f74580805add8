"""Lists the Lambda functions deployed to a moto server, with what their code zip holds.

Reads AWS_ENDPOINT_URL (and the dummy credentials) from the environment; prints JSON on stdout:
one object per function with its configuration and, for its `bootstrap` entry, the Unix mode and
the first bytes (to tell an ELF executable), and its SHA-256 (to tell which build it is).
"""
import base64
import hashlib
import io
import json
import os
import zipfile

import boto3


def code_zip(lam, s3, name):
    """The function's code zip, read from moto's S3 and checked against the function's CodeSha256.

    moto reports an AWS address as the code location (never fetched: only loopback is reachable);
    its last segment is the key of the zip in the bucket it was deployed from.
    """
    function = lam.get_function(FunctionName=name)
    key = function["Code"]["Location"].rsplit("/", 1)[-1]
    for bucket in s3.list_buckets()["Buckets"]:
        try:
            data = s3.get_object(Bucket=bucket["Name"], Key=key)["Body"].read()
        except s3.exceptions.NoSuchKey:
            continue
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        if digest != function["Configuration"]["CodeSha256"]:
            raise RuntimeError(f"{bucket['Name']}/{key} is not the code of {name}")
        return data
    raise RuntimeError(f"no bucket holds {key}, the code of {name}")


def main():
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    region = os.environ.get("AWS_REGION", "us-east-1")
    lam = boto3.client("lambda", endpoint_url=endpoint, region_name=region)
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region)
    result = []
    for page in lam.get_paginator("list_functions").paginate():
        for fn in page["Functions"]:
            archive = zipfile.ZipFile(io.BytesIO(code_zip(lam, s3, fn["FunctionName"])))
            entry = archive.getinfo("bootstrap")
            result.append({
                "name": fn["FunctionName"],
                "runtime": fn.get("Runtime"),
                "handler": fn.get("Handler"),
                "memory": fn.get("MemorySize"),
                "timeout": fn.get("Timeout"),
                "environment": fn.get("Environment", {}).get("Variables", {}),
                "entries": archive.namelist(),
                "bootstrapMode": oct((entry.external_attr >> 16) & 0o777),
                "bootstrapMagic": archive.read("bootstrap")[:4].hex(),
                "bootstrapSha256": hashlib.sha256(archive.read("bootstrap")).hexdigest(),
            })
    print(json.dumps(result, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
