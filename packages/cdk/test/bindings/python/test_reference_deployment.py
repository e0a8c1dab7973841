"""The reference deployment, written in Python: apps/reference/README.md shows this code."""
import aws_cdk as cdk
from aws_cdk.assertions import Template

# --- README: python ---
import aws_cdk as cdk
from aws_cdk import aws_route53 as route53
from kong_hybrid_cdk import KongHybridGateway

app = cdk.App()
stack = cdk.Stack(app, "KongHybridReference", env=cdk.Environment(region="us-east-1"))
zone = route53.HostedZone.from_hosted_zone_attributes(
    stack, "Zone", hosted_zone_id="Z0000000000000EXAMPLE", zone_name="example.com"
)
gateway = KongHybridGateway(
    stack, "Kong",
    domain_name="kong-gw.example.com",
    hosted_zone=zone,
    admin_allowed_cidrs=["203.0.113.0/24"],
    data_plane_min_tasks=2,
    data_plane_max_tasks=10,
    database_max_capacity=2,
    nat_gateways=1,
)
app.synth()
# --- end ---

TEMPLATE = Template.from_stack(stack)


def test_the_python_reference_deploys_the_same_gateway():
    assert gateway.endpoint == "https://kong-gw.example.com"
    assert gateway.admin_url == "https://kong-gw.example.com/kong-admin"
    TEMPLATE.has_resource_properties("AWS::Route53::RecordSet", {"Name": "kong-gw.example.com.", "Type": "A"})
    TEMPLATE.has_resource_properties("AWS::WAFv2::IPSet", {"Addresses": ["203.0.113.0/24"]})
    TEMPLATE.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 2, "MaxCapacity": 10}
    )
    TEMPLATE.resource_count_is("AWS::EC2::NatGateway", 1)


def test_the_python_reference_runs_the_idle_scaler():
    assert gateway.idle_scaler is not None
    TEMPLATE.resource_count_is("AWS::DynamoDB::Table", 1)
