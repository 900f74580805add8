"""Lists the CloudWatch dashboards deployed to a moto server, with their bodies, and the alarms they may cite.

Reads AWS_ENDPOINT_URL (and the dummy credentials) from the environment; prints JSON on stdout: the alarms'
ARNs, and one object per dashboard with its name and its body, parsed (it must be valid JSON once CloudFormation
has resolved every reference in it).
"""
import json
import os

import boto3


def main():
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    region = os.environ.get("AWS_REGION", "us-east-1")
    cloudwatch = boto3.client("cloudwatch", endpoint_url=endpoint, region_name=region)
    alarms = [alarm["AlarmArn"] for alarm in cloudwatch.describe_alarms()["MetricAlarms"]]
    dashboards = []
    for entry in cloudwatch.list_dashboards()["DashboardEntries"]:
        body = cloudwatch.get_dashboard(DashboardName=entry["DashboardName"])["DashboardBody"]
        dashboards.append({"name": entry["DashboardName"], "body": json.loads(body)})
    print(json.dumps({"alarms": sorted(alarms), "dashboards": dashboards}, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
