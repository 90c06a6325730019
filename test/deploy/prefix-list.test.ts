// `portplan verify aws`, the real bin against moto_server's EC2 API, on a site whose peer is a
// customer-managed prefix list: the list and the plan's rules made through the EC2 API as an owner
// would, verify reads the list's entries (GetManagedPrefixListEntries) and finds every flow allowed;
// a rule narrowed from the list to one of its entries leaves the other entry cut off, with a
// witness packet in it.
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { planAws, type PlannedRule } from '../../lib/aws';
import { resolve, type Declaration } from '../../lib/model';
import { ec2Client, startMoto, type Moto } from './moto';
import { declarationFile, verifyAws } from './verify';

const ENTRIES = ['203.0.113.0/28', '198.51.100.8/29'];
let moto: Moto;
let ec2: EC2Client;
let listId: string;
let groupId: string;

const declarationWith = (id: string): Declaration => ({
  groups: [{ name: 'workstation', role: 'sum:workstation' }],
  peers: [{ name: 'admins', kind: 'administrators', prefixList: { id, maxEntries: 4 } }],
  sum: { profile: '7.x+' },
});

const permission = (r: PlannedRule, remote: Partial<IpPermission>): IpPermission => ({
  IpProtocol: r.protocol,
  FromPort: r.fromPort,
  ToPort: r.toPort,
  ...remote,
});

beforeAll(async () => {
  moto = await startMoto();
  ec2 = ec2Client(moto);
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.78.0.0/16' }));
  const list = await ec2.send(
    new CreateManagedPrefixListCommand({
      PrefixListName: 'portplan-admins',
      AddressFamily: 'IPv4',
      MaxEntries: 4,
      Entries: ENTRIES.map((Cidr) => ({ Cidr })),
    }),
  );
  listId = list.PrefixList!.PrefixListId!;
  const sg = await ec2.send(
    new CreateSecurityGroupCommand({ VpcId: vpc.Vpc!.VpcId!, GroupName: 'workstation', Description: 'workstation' }),
  );
  groupId = sg.GroupId!;
  const plan = planAws(resolve(declarationWith(listId)));
  const inbound = plan.rules.filter((r) => r.direction === 'inbound');
  const perms = inbound.map((r) =>
    permission(
      r,
      r.remote.kind === 'prefixList'
        ? { PrefixListIds: [{ PrefixListId: r.remote.prefixList.id }] }
        : r.remote.kind === 'group'
          ? { UserIdGroupPairs: [{ GroupId: groupId }] }
          : { IpRanges: [{ CidrIp: r.remote.cidr }] },
    ),
  );
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: perms }));
}, 120000);

afterAll(() => {
  ec2?.destroy();
  moto?.stop();
});

test('the site as planned: every flow from the prefix list allowed, no extra rule', () => {
  const file = declarationFile('prefix-list', resolve(declarationWith(listId)));
  const { code, report, err } = verifyAws(moto, '--file', file, '--group', `workstation=${groupId}`);
  expect(err).toBe('');
  expect(code).toBe(0);
  const fromList = report!.flows.filter((f) => f.from === 'admins');
  expect(fromList.length).toBeGreaterThan(0);
  expect(fromList.every((f) => f.status === 'allowed')).toBe(true);
  expect(report!.extra).toEqual([]);
});

test('the rule narrowed from the list to its first entry: the second entry is cut off, with a witness in it', async () => {
  const plan = planAws(resolve(declarationWith(listId)));
  const rule = plan.rules.find((r) => r.remote.kind === 'prefixList')!;
  await ec2.send(
    new RevokeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [permission(rule, { PrefixListIds: [{ PrefixListId: listId }] })],
    }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [permission(rule, { IpRanges: [{ CidrIp: ENTRIES[0] }] })],
    }),
  );
  const file = declarationFile('prefix-list', resolve(declarationWith(listId)));
  const { code, report } = verifyAws(moto, '--file', file, '--group', `workstation=${groupId}`);
  expect(code).toBe(1);
  const cut = report!.flows.find((f) => f.from === 'admins' && f.status !== 'allowed')!;
  expect(cut.status).toBe('partial');
  expect(cut.blocked[0].witness.source.address).toMatch(/^198\.51\.100\.(8|9|1[0-5])$/);
  expect(report!.extra).toEqual([]);
});
