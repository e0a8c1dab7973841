/** What a NAT instance's boot script needs to know. Values may be CDK tokens. */
export interface NatInstanceScriptOptions {
  /** The region of the route tables and the stack. */
  readonly region: string;
  /** The stack to signal (name or ID). */
  readonly stackName: string;
  /** The Auto Scaling group's logical ID (its creation and update policies wait for the signal). */
  readonly logicalId: string;
  /** The private route tables whose default route this instance owns. */
  readonly routeTableIds: string[];
  /** The VPC's IPv4 CIDR block: the only sources it translates. */
  readonly vpcCidr: string;
}

/** Where the script writes its helper, its systemd units and its sysctl setting (under `$NAT_ROOT`, empty on an instance). */
export const NAT_ROUTES_COMMAND = '/usr/local/sbin/kong-nat-routes';

/**
 * The boot script of a self-healing NAT instance (Amazon Linux 2023, run once
 * by cloud-init as root from the launch template's user data):
 *
 * 1. forward and translate the VPC's IPv4 traffic: the commands CDK's own
 *    `NatInstanceProviderV2.DEFAULT_USER_DATA_COMMANDS` use on Amazon Linux
 *    2023 (aws-cdk-lib `aws-ec2/lib/nat.ts` at v2.263.0: iptables-services,
 *    `net.ipv4.ip_forward=1`, `MASQUERADE` on the default interface, FORWARD
 *    flushed), limited here to sources in the VPC;
 * 2. turn the source/destination check off, which a NAT instance needs because
 *    it sends and receives traffic that is not its own
 *    (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html);
 * 3. take over the default route (0.0.0.0/0) of its private route tables:
 *    `ReplaceRoute`, or `CreateRoute` where there is none. This is what makes a
 *    replacement instance heal the network: the Auto Scaling group launches it,
 *    and it points the routes at itself;
 * 4. install a timer that checks every minute that each route still exists
 *    and is not a blackhole, and repairs it if not (a stack update that
 *    switches from NAT gateways to NAT instances deletes the old route after
 *    the instance took it over). A healthy route that points elsewhere is left
 *    alone, so during a replacing update the new instance keeps the routes;
 * 5. signal CloudFormation (SUCCESS, or FAILURE on any error), so that a
 *    deployment waits for working egress and fails loudly without it.
 *
 * The AWS CLI v2 ships with the standard Amazon Linux 2023 AMI; the script
 * installs it if it is missing, so that the signal is always sent.
 */
export function natInstanceScript(options: NatInstanceScriptOptions): string {
  const tables = options.routeTableIds.join(' ');
  return `#!/bin/bash
# kong-hybrid self-healing NAT instance: translate the VPC's outbound IPv4
# traffic and own the default route of the private route tables.
set -euo pipefail
root="\${NAT_ROOT:-}"
region='${options.region}'
stack='${options.stackName}'
resource='${options.logicalId}'
tables='${tables}'
vpc_cidr='${options.vpcCidr}'

token="$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' http://169.254.169.254/latest/api/token)"
instance="$(curl -sf -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/instance-id)"
command -v aws >/dev/null || dnf install -y awscli-2
signal() {
  aws cloudformation signal-resource --region "$region" --stack-name "$stack" \\
    --logical-resource-id "$resource" --unique-id "$instance" --status "$1"
}
trap 'signal FAILURE' ERR

# 1. Forward and translate (as CDK's NatInstanceProviderV2 does on Amazon Linux 2023).
dnf install -y iptables-services
systemctl enable iptables
systemctl start iptables
mkdir -p "$root/etc/sysctl.d"
echo 'net.ipv4.ip_forward=1' > "$root/etc/sysctl.d/90-kong-nat.conf"
sysctl -p "$root/etc/sysctl.d/90-kong-nat.conf"
interface="$(ip -4 route show default | awk '{ print $5; exit }')"
iptables -t nat -A POSTROUTING -o "$interface" -s "$vpc_cidr" -j MASQUERADE
iptables -F FORWARD
service iptables save

# 2. A NAT instance forwards traffic that is not its own.
aws ec2 modify-instance-attribute --region "$region" --instance-id "$instance" --no-source-dest-check

# 3 and 4. Own the default route of the private route tables, now and every minute.
mkdir -p "$root/usr/local/sbin" "$root/etc/systemd/system"
cat > "$root${NAT_ROUTES_COMMAND}" <<ROUTES
#!/bin/bash
# Points 0.0.0.0/0 of each private route table at this instance.
#   --take-over  always (at boot: this instance replaces the one before it);
#   otherwise    only where the route is missing or a blackhole.
set -uo pipefail
status=0
for table in $tables; do
  if [[ "\\\${1:-}" != --take-over ]]; then
    state="\\\$(aws ec2 describe-route-tables --region $region --route-table-ids "\\\$table" \\\\
      --query "RouteTables[0].Routes[?DestinationCidrBlock=='0.0.0.0/0'].State | [0]" --output text)" || { status=1; continue; }
    [[ "\\\$state" == active ]] && continue
  fi
  aws ec2 replace-route --region $region --route-table-id "\\\$table" --destination-cidr-block 0.0.0.0/0 --instance-id $instance \\\\
    || aws ec2 create-route --region $region --route-table-id "\\\$table" --destination-cidr-block 0.0.0.0/0 --instance-id $instance \\\\
    || status=1
done
exit \\\$status
ROUTES
chmod 755 "$root${NAT_ROUTES_COMMAND}"
cat > "$root/etc/systemd/system/kong-nat-routes.service" <<'UNIT'
[Unit]
Description=Repair the default routes this NAT instance owns
[Service]
Type=oneshot
ExecStart=${NAT_ROUTES_COMMAND}
UNIT
cat > "$root/etc/systemd/system/kong-nat-routes.timer" <<'UNIT'
[Unit]
Description=Check the NAT instance's default routes every minute
[Timer]
OnBootSec=60
OnUnitActiveSec=60
[Install]
WantedBy=timers.target
UNIT
"$root${NAT_ROUTES_COMMAND}" --take-over
systemctl daemon-reload
systemctl enable --now kong-nat-routes.timer

# 5. Egress works: let the deployment go on.
signal SUCCESS
`;
}
