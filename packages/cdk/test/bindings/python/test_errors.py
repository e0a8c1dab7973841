"""A mistake made from Python is reported with the keyword argument the program passed."""
import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_route53 as route53

from kong_hybrid_cdk import ClusterMtlsMode, KongHybridGateway


def gateway(**props):
    app = cdk.App()
    stack = cdk.Stack(app, "PythonErrors", env=cdk.Environment(region="eu-west-1"))
    zone = route53.HostedZone.from_hosted_zone_attributes(
        stack, "Zone", hosted_zone_id="Z0123456789PYTHON", zone_name="example.net"
    )
    return KongHybridGateway(stack, "Kong", domain_name="api.example.net", hosted_zone=zone, **props)


@pytest.mark.parametrize(
    "props, message",
    [
        (
            dict(database_max_capacity=0.5),
            "database_max_capacity must be between 1 and 256, got 0.5",
        ),
        (
            dict(data_plane_cpu=512, data_plane_memory_mib=512),
            "data_plane_memory_mib must be a Fargate memory size for data_plane_cpu 512 (1024..4096 MiB in steps of 1024), got 512",
        ),
        (
            dict(idle_scaler_cooldown=cdk.Duration.days(2)),
            "idle_scaler_cooldown must be between 1 minute and 1 day, got 2 days",
        ),
        (
            dict(cluster_mtls=ClusterMtlsMode.PKI),
            "cluster_ca_secret is required when cluster_mtls is ClusterMtlsMode.PKI (the CA that issues both sides' certificates), got None",
        ),
        (
            dict(firewall=False, firewall_rate_limit=100),
            "firewall_rate_limit needs the firewall, but firewall is False (got firewall_rate_limit 100)",
        ),
    ],
    ids=["database_max_capacity", "data_plane_memory_mib", "idle_scaler_cooldown", "cluster_ca_secret", "firewall_rate_limit"],
)
def test_the_error_names_the_keyword_argument_as_typed(props, message):
    with pytest.raises(RuntimeError, match=f"^{re.escape(message)}$"):
        gateway(**props)
