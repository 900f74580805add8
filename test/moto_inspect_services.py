"""Lists the ECS services deployed to a moto server, with their task definitions and load balancers.

Reads AWS_ENDPOINT_URL (and the dummy credentials) from the environment; prints JSON on stdout: one object per
service with its desired count, its task definition's container (image, port mappings, environment, user) and
the health-check paths of the account's target groups. moto keeps few ECS settings (no launch type, runtime
platform or circuit breaker): the template assertions cover those.
"""
import json
import os

import boto3


def main():
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    region = os.environ.get("AWS_REGION", "us-east-1")
    ecs = boto3.client("ecs", endpoint_url=endpoint, region_name=region)
    elbv2 = boto3.client("elbv2", endpoint_url=endpoint, region_name=region)
    health_paths = sorted(group.get("HealthCheckPath", "") for group in elbv2.describe_target_groups()["TargetGroups"])
    load_balancers = len(elbv2.describe_load_balancers()["LoadBalancers"])
    services = []
    for cluster in ecs.list_clusters()["clusterArns"]:
        arns = ecs.list_services(cluster=cluster)["serviceArns"]
        if not arns:
            continue
        for service in ecs.describe_services(cluster=cluster, services=arns)["services"]:
            task = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
            container = task["containerDefinitions"][0]
            services.append(
                {
                    "name": service["serviceName"],
                    "desiredCount": service.get("desiredCount"),
                    "image": container.get("image"),
                    "portMappings": [m.get("containerPort") for m in container.get("portMappings", [])],
                    "environment": {e["name"]: e["value"] for e in container.get("environment", [])},
                    "user": container.get("user"),
                    "healthCheckPaths": health_paths,
                    "loadBalancers": load_balancers,
                }
            )
    print(json.dumps(services))


if __name__ == "__main__":
    main()
