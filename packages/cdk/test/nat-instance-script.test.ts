import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NAT_ROUTES_COMMAND, natInstanceScript } from '../src/private/nat-instance-script';

/**
 * The NAT instance's boot script runs for real in bash, with the commands it
 * calls on an instance (aws, curl, dnf, iptables, …) replaced by stubs that
 * record their arguments. The stubbed `aws` answers as the EC2 API does for
 * the cases under test: `ReplaceRoute` fails where the table has no default
 * route, `DescribeRouteTables` reports the route's state.
 */
const STUBS: Record<string, string> = {
  aws: `echo "aws $*" >> "$STUB_LOG"
table=""; prev=""
for arg in "$@"; do
  if [[ "$prev" == --route-table-id || "$prev" == --route-table-ids ]]; then table="$arg"; fi
  prev="$arg"
done
case " $* " in
  *" replace-route "*) [[ " $NO_ROUTE " == *" $table "* || " $FAIL_ALL " == *" $table "* ]] && exit 254 ;;
  *" create-route "*) [[ " $FAIL_ALL " == *" $table "* ]] && exit 254 ;;
  *" describe-route-tables "*)
    [[ " $DESCRIBE_FAILS " == *" $table "* ]] && exit 255
    for entry in $ROUTE_STATES; do [[ "\${entry%%=*}" == "$table" ]] && { echo "\${entry#*=}"; exit 0; }; done
    echo active ;;
esac
exit 0`,
  curl: `echo "curl $*" >> "$STUB_LOG"
case "$*" in *api/token*) echo TOKEN ;; *instance-id*) echo i-0new ;; esac`,
  ip: 'echo "default via 10.0.0.1 dev ens5 proto dhcp src 10.0.0.12 metric 512"',
  dnf: 'echo "dnf $*" >> "$STUB_LOG"',
  systemctl: 'echo "systemctl $*" >> "$STUB_LOG"',
  iptables: 'echo "iptables $*" >> "$STUB_LOG"',
  service: 'echo "service $*" >> "$STUB_LOG"',
  sysctl: 'echo "sysctl $*" >> "$STUB_LOG"',
};

interface Run { status: number | null; calls: string[]; root: string; stderr: string }

function sandbox(): { root: string; bin: string; log: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kong-nat-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  for (const [name, body] of Object.entries(STUBS)) {
    writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  const root = path.join(dir, 'root');
  mkdirSync(root);
  return { root, bin, log: path.join(dir, 'calls.log') };
}

function run(file: string, args: string[], box: ReturnType<typeof sandbox>, env: Record<string, string> = {}): Run {
  const result = spawnSync('bash', [file, ...args], {
    encoding: 'utf8',
    env: { PATH: `${box.bin}:/usr/bin:/bin`, NAT_ROOT: box.root, STUB_LOG: box.log, NO_ROUTE: '', FAIL_ALL: '', ROUTE_STATES: '', DESCRIBE_FAILS: '', ...env },
  });
  const calls = existsSync(box.log) ? readFileSync(box.log, 'utf8').trim().split('\n').filter(Boolean) : [];
  return { status: result.status, calls, root: box.root, stderr: result.stderr };
}

/** Boots a "new instance": writes the script and runs it as cloud-init would. */
function boot(env: Record<string, string> = {}): Run & { box: ReturnType<typeof sandbox> } {
  const box = sandbox();
  const script = path.join(box.root, 'user-data.sh');
  writeFileSync(script, natInstanceScript({
    region: 'us-east-1', stackName: 'KongHybridReference', logicalId: 'NatGroupASG', routeTableIds: ['rtb-a', 'rtb-b'], vpcCidr: '10.0.0.0/16',
  }));
  return { ...run(script, [], box, env), box };
}

const routeCalls = (calls: string[]) => calls.filter((c) => / (replace|create)-route /.test(c))
  .map((c) => `${c.includes('replace-route') ? 'replace' : 'create'} ${c.match(/--route-table-id (\S+)/)![1]} ${c.match(/--instance-id (\S+)/)![1]}`);
const signals = (calls: string[]) => calls.filter((c) => c.includes('signal-resource')).map((c) => c.match(/--status (\S+)/)![1]);

describe('the NAT instance boot script', () => {
  test('GIVEN a replacement instance WHEN it boots THEN it translates the VPC, turns its source/destination check off, takes over both routes and signals SUCCESS last', () => {
    const { status, calls, root, stderr } = boot();
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(calls).toContain('iptables -t nat -A POSTROUTING -o ens5 -s 10.0.0.0/16 -j MASQUERADE');
    expect(calls).toContain('iptables -F FORWARD');
    expect(readFileSync(path.join(root, 'etc/sysctl.d/90-kong-nat.conf'), 'utf8')).toBe('net.ipv4.ip_forward=1\n');
    expect(calls).toContain('aws ec2 modify-instance-attribute --region us-east-1 --instance-id i-0new --no-source-dest-check');
    expect(routeCalls(calls)).toEqual(['replace rtb-a i-0new', 'replace rtb-b i-0new']);
    expect(calls).toContain('systemctl enable --now kong-nat-routes.timer');
    expect(signals(calls)).toEqual(['SUCCESS']);
    expect(calls[calls.length - 1]).toBe('aws cloudformation signal-resource --region us-east-1 --stack-name KongHybridReference --logical-resource-id NatGroupASG --unique-id i-0new --status SUCCESS');
  });

  test('GIVEN a route table without a default route WHEN the instance boots THEN it creates the route there', () => {
    const { status, calls } = boot({ NO_ROUTE: 'rtb-b' });
    expect(status).toBe(0);
    expect(routeCalls(calls)).toEqual(['replace rtb-a i-0new', 'replace rtb-b i-0new', 'create rtb-b i-0new']);
    expect(signals(calls)).toEqual(['SUCCESS']);
  });

  test('GIVEN a route it can neither replace nor create WHEN the instance boots THEN it still tries the other table, signals FAILURE and never SUCCESS', () => {
    const { status, calls } = boot({ FAIL_ALL: 'rtb-a' });
    expect(status).not.toBe(0);
    expect(routeCalls(calls)).toEqual(['replace rtb-a i-0new', 'create rtb-a i-0new', 'replace rtb-b i-0new']);
    expect(signals(calls)).toEqual(['FAILURE']);
  });

  test('GIVEN the installed timer units WHEN read THEN the service runs the route check and the timer fires every minute', () => {
    const { root } = boot();
    expect(readFileSync(path.join(root, 'etc/systemd/system/kong-nat-routes.service'), 'utf8')).toContain(`ExecStart=${NAT_ROUTES_COMMAND}\n`);
    expect(readFileSync(path.join(root, 'etc/systemd/system/kong-nat-routes.timer'), 'utf8')).toMatch(/OnUnitActiveSec=60\n[\s\S]*WantedBy=timers.target/);
    expect(statSync(path.join(root, NAT_ROUTES_COMMAND)).mode & 0o111).toBe(0o111);
  });
});

describe('the every-minute route check', () => {
  // GIVEN an instance that booted, WHEN its timer runs the check later
  const check = (env: Record<string, string>) => {
    const booted = boot();
    writeFileSync(booted.box.log, '');
    return run(path.join(booted.root, NAT_ROUTES_COMMAND), [], booted.box, env);
  };

  test('GIVEN both routes active (on this instance or on a newer one) WHEN checked THEN nothing changes', () => {
    const { status, calls } = check({ ROUTE_STATES: 'rtb-a=active rtb-b=active' });
    expect(status).toBe(0);
    expect(calls.filter((c) => c.includes('describe-route-tables'))).toHaveLength(2);
    expect(routeCalls(calls)).toEqual([]);
  });

  test('GIVEN a blackhole route (its instance is gone) WHEN checked THEN this instance takes it over', () => {
    const { status, calls } = check({ ROUTE_STATES: 'rtb-a=blackhole' });
    expect(status).toBe(0);
    expect(routeCalls(calls)).toEqual(['replace rtb-a i-0new']);
  });

  test('GIVEN a deleted route (a stack update removed the NAT gateway route) WHEN checked THEN it is created again', () => {
    const { status, calls } = check({ ROUTE_STATES: 'rtb-b=None', NO_ROUTE: 'rtb-b' });
    expect(status).toBe(0);
    expect(routeCalls(calls)).toEqual(['replace rtb-b i-0new', 'create rtb-b i-0new']);
  });

  test('GIVEN the EC2 API failing for one table WHEN checked THEN the other is still checked and the run reports failure', () => {
    const { status, calls } = check({ DESCRIBE_FAILS: 'rtb-a', ROUTE_STATES: 'rtb-b=blackhole' });
    expect(status).toBe(1);
    expect(routeCalls(calls)).toEqual(['replace rtb-b i-0new']);
  });
});
