import type * as Ec2 from '@aws-sdk/client-ec2';
import { ArgumentError, GROUP_TAG, PortplanError } from '../model';
import type { DeployedGroup, DeployedRule } from './site-aws';

/**
 * Reads security groups and their rules from the EC2 API for `portplan verify aws`. The only module
 * that imports `@aws-sdk/client-ec2`, and only when called: the SDK is an optional peer dependency,
 * so the rest of the package works without it. Credentials, region and endpoint are the SDK's
 * standard ones (environment, shared config and credentials files, `AWS_PROFILE`, SSO, instance
 * roles; `AWS_REGION`; `AWS_ENDPOINT_URL`):
 * https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html,
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html.
 * @packageDocumentation
 */

/** The SDK package is not installed (code `MISSING_DEPENDENCY`): the message says what to install. */
export class MissingDependencyError extends PortplanError {
  /** Always `MISSING_DEPENDENCY`. */
  readonly code = 'MISSING_DEPENDENCY';
}

/** EC2 could not be asked: no credentials, no region, or an API error (code `AWS_ACCESS`). */
export class AwsAccessError extends PortplanError {
  /** Always `AWS_ACCESS`. */
  readonly code = 'AWS_ACCESS';
}

/** A security group as read from EC2: rules with ids, and the group's tags. */
export interface ReadSecurityGroup extends DeployedGroup {
  /** The group's name. */
  readonly groupName: string;
  /** Its VPC. */
  readonly vpcId?: string;
  /** Its tags, by key. */
  readonly tags: Readonly<Record<string, string>>;
}

/** What to read: the plan's groups, found by tag in a VPC, and groups by id. */
export interface Ec2Query {
  /** The VPC whose groups tagged `portplan:group=<one of tagValues>` are read. */
  readonly vpcId?: string;
  /** The values of the `portplan:group` tag to look for in the VPC: the plan's group names. */
  readonly tagValues?: readonly string[];
  /** Read these security groups too. */
  readonly groupIds?: readonly string[];
  /** The plan's prefix lists by id, read whether or not a rule names them. */
  readonly prefixListIds?: readonly string[];
  /**
   * The plan's AWS-managed prefix lists by name: found with `DescribeManagedPrefixLists`
   * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeManagedPrefixLists.html)
   * and read, their entries given under the name as well as the id.
   */
  readonly prefixListNames?: readonly string[];
}

/** What was read, and how many EC2 calls it took. */
export interface Ec2Reading {
  /** The groups, in id order, with their rules in EC2's order. */
  readonly groups: ReadSecurityGroup[];
  /** The CIDRs of each managed prefix list a rule or the plan names, by id (and by name where the plan names it so). */
  readonly prefixLists: Record<string, string[]>;
  /** How many EC2 API calls the reading made (pages included). */
  readonly calls: number;
}

const SDK = '@aws-sdk/client-ec2';
type Sdk = typeof Ec2;

async function loadSdk(): Promise<Sdk> {
  try {
    return (await import(SDK)) as Sdk;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw e;
    throw new MissingDependencyError(
      SDK,
      undefined,
      `portplan verify aws reads security groups with the AWS SDK, which is not installed: npm install ${SDK}@^3`,
    );
  }
}

/** One error message for whatever the SDK throws: credentials and region name their variables. */
function accessError(e: unknown, operation: string): PortplanError {
  if (e instanceof PortplanError) return e;
  const err = e as { name?: string; message?: string; Code?: string };
  const name = err.name ?? 'Error';
  if (name === 'CredentialsProviderError') {
    return new AwsAccessError(
      'credentials',
      undefined,
      'no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ' +
        '(and AWS_SESSION_TOKEN for temporary ones), or AWS_PROFILE for a profile of ~/.aws/config',
    );
  }
  if (name === 'InvalidGroup.NotFound' || name === 'InvalidGroupId.Malformed') {
    // EC2 names the id in its message: "The security group 'sg-...' does not exist".
    return new ArgumentError(
      '--group',
      (err.message ?? '').split('\n')[0],
      'ids of security groups that exist in this account and region',
    );
  }
  if (/region is missing/i.test(err.message ?? '')) {
    return new AwsAccessError(
      'region',
      undefined,
      'no AWS region: set AWS_REGION (or a region in the AWS_PROFILE profile)',
    );
  }
  return new AwsAccessError(operation, name, `EC2 ${operation} failed: ${name}: ${(err.message ?? '').split('\n')[0]}`);
}

type Client = InstanceType<Sdk['EC2Client']>;

/** Every page of one paged EC2 query, counted. */
async function pages<T extends { NextToken?: string }>(
  send: (token: string | undefined) => Promise<T>,
  counter: { calls: number },
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    counter.calls++;
    const page = await send(token);
    out.push(page);
    token = page.NextToken;
  } while (token);
  return out;
}

// A filter takes at most 200 values.
const chunks = <T>(list: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(list.length / 200) }, (_, i) => list.slice(i * 200, i * 200 + 200));

/** The groups a query names (`DescribeSecurityGroups`), by id; the filtered queries run in parallel. */
async function describeGroups(
  sdk: Sdk,
  client: Client,
  query: Ec2Query,
  counter: { calls: number },
): Promise<Map<string, Ec2.SecurityGroup>> {
  // MaxResults pages a filtered query; EC2 refuses it together with GroupIds. Groups given by id
  // are read through the group-id filter too: an id EC2 does not know is then missing from the
  // answer (and named by the caller, with the group the user gave it for), where GroupIds would
  // fail the whole call with InvalidGroup.NotFound naming one id at most. In a VPC only the groups
  // tagged with the plan's names are read (a tag filter), not every group of the VPC.
  const filters: Ec2.Filter[][] = [
    ...(query.vpcId
      ? chunks(query.tagValues ?? []).map((values) => [
          { Name: 'vpc-id', Values: [query.vpcId!] },
          { Name: `tag:${GROUP_TAG}`, Values: values },
        ])
      : []),
    ...chunks([...new Set(query.groupIds ?? [])]).map((values) => [{ Name: 'group-id', Values: values }]),
  ];
  const answers = await Promise.all(
    filters.map((Filters) =>
      pages(
        (NextToken) =>
          client
            .send(new sdk.DescribeSecurityGroupsCommand({ Filters, MaxResults: 1000, NextToken }))
            .catch((e: unknown) => {
              throw accessError(e, 'DescribeSecurityGroups');
            }),
        counter,
      ),
    ),
  );
  const found = new Map<string, Ec2.SecurityGroup>();
  for (const page of answers.flat()) for (const g of page.SecurityGroups ?? []) found.set(g.GroupId!, g);
  return found;
}

/** A rule as EC2's `SecurityGroupRule` gives it, in the check's shape. */
function deployedRule(r: Ec2.SecurityGroupRule): DeployedRule {
  return {
    ipProtocol: r.IpProtocol ?? '-1',
    ...(r.FromPort !== undefined ? { fromPort: r.FromPort } : {}),
    ...(r.ToPort !== undefined ? { toPort: r.ToPort } : {}),
    ...(r.CidrIpv4 ? { cidrIpv4: r.CidrIpv4 } : {}),
    ...(r.CidrIpv6 ? { cidrIpv6: r.CidrIpv6 } : {}),
    ...(r.ReferencedGroupInfo?.GroupId ? { referencedGroupId: r.ReferencedGroupInfo.GroupId } : {}),
    ...(r.PrefixListId ? { prefixListId: r.PrefixListId } : {}),
    ...(r.Description ? { description: r.Description } : {}),
    ...(r.SecurityGroupRuleId ? { ruleId: r.SecurityGroupRuleId } : {}),
  };
}

/** The rules of the groups (`DescribeSecurityGroupRules` by group-id filter), each once, in parallel. */
async function describeRules(
  sdk: Sdk,
  client: Client,
  ids: readonly string[],
  counter: { calls: number },
): Promise<Map<string, { ingress: DeployedRule[]; egress: DeployedRule[] }>> {
  const rules = new Map(ids.map((id) => [id, { ingress: [] as DeployedRule[], egress: [] as DeployedRule[] }]));
  const answers = await Promise.all(
    chunks(ids).map((values) =>
      pages(
        (NextToken) =>
          client
            .send(
              new sdk.DescribeSecurityGroupRulesCommand({
                Filters: [{ Name: 'group-id', Values: values }],
                MaxResults: 1000,
                NextToken,
              }),
            )
            .catch((e: unknown) => {
              throw accessError(e, 'DescribeSecurityGroupRules');
            }),
        counter,
      ),
    ),
  );
  for (const page of answers.flat()) {
    for (const r of page.SecurityGroupRules ?? [])
      rules.get(r.GroupId!)?.[r.IsEgress ? 'egress' : 'ingress'].push(deployedRule(r));
  }
  return rules;
}

/**
 * The ids of AWS-managed prefix lists by name, in one `DescribeManagedPrefixLists` call (a
 * `prefix-list-name` filter); a name EC2 does not know is left out, for the caller to name.
 */
async function prefixListIds(
  sdk: Sdk,
  client: Client,
  names: readonly string[],
  counter: { calls: number },
): Promise<Record<string, string>> {
  if (!names.length) return {};
  const found = await pages(
    (NextToken) =>
      client
        .send(
          new sdk.DescribeManagedPrefixListsCommand({
            Filters: [{ Name: 'prefix-list-name', Values: [...names] }],
            NextToken,
          }),
        )
        .catch((e: unknown) => {
          throw accessError(e, 'DescribeManagedPrefixLists');
        }),
    counter,
  );
  const lists = found.flatMap((p) => p.PrefixLists ?? []);
  return Object.fromEntries(
    lists.flatMap((l) => (l.PrefixListName && l.PrefixListId ? [[l.PrefixListName, l.PrefixListId]] : [])),
  );
}

/** The entries of each prefix list (`GetManagedPrefixListEntries`), in parallel. */
async function describePrefixLists(
  sdk: Sdk,
  client: Client,
  ids: readonly string[],
  counter: { calls: number },
): Promise<Record<string, string[]>> {
  const answers = await Promise.all(
    ids.map((PrefixListId) =>
      pages(
        (NextToken) =>
          client
            .send(new sdk.GetManagedPrefixListEntriesCommand({ PrefixListId, MaxResults: 100, NextToken }))
            .catch((e: unknown) => {
              throw accessError(e, 'GetManagedPrefixListEntries');
            }),
        counter,
      ),
    ),
  );
  return Object.fromEntries(
    ids.map((id, i) => [id, answers[i].flatMap((p) => (p.Entries ?? []).map((e) => e.Cidr ?? '')).filter(Boolean)]),
  );
}

/**
 * Reads the security groups a query names, with every rule (`DescribeSecurityGroups`, then
 * `DescribeSecurityGroupRules`, which gives each rule its id and one remote:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroupRules.html),
 * and the entries of the prefix lists the rules name
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetManagedPrefixListEntries.html).
 * A plan of up to 200 groups without prefix lists takes two calls (one more for --group ids),
 * whatever else the VPC holds.
 * @throws MissingDependencyError without the SDK; AwsAccessError for credentials, region or an
 *   API error. A group id EC2 does not know is left out of the answer, for the caller to name.
 */
export async function readSecurityGroups(query: Ec2Query): Promise<Ec2Reading> {
  const sdk = await loadSdk();
  const client = new sdk.EC2Client({});
  const counter = { calls: 0 };
  try {
    const found = await describeGroups(sdk, client, query, counter);
    const ids = [...found.keys()].sort();
    const rules = await describeRules(sdk, client, ids, counter);
    const named = await prefixListIds(sdk, client, query.prefixListNames ?? [], counter);
    const lists = [
      ...new Set([
        ...[...rules.values()].flatMap((r) => [...r.ingress, ...r.egress].flatMap((x) => x.prefixListId ?? [])),
        ...(query.prefixListIds ?? []),
        ...Object.values(named),
      ]),
    ].sort();
    const byId = lists.length ? await describePrefixLists(sdk, client, lists, counter) : {};
    const byName = Object.entries(named).map(([name, id]) => [name, byId[id]] as const);
    const prefixLists = { ...byId, ...Object.fromEntries(byName) };
    const groups = ids.map((id) => {
      const g = found.get(id)!;
      return {
        groupId: id,
        groupName: g.GroupName ?? '',
        ...(g.VpcId ? { vpcId: g.VpcId } : {}),
        tags: Object.fromEntries((g.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        ...rules.get(id)!,
      };
    });
    return { groups, prefixLists, calls: counter.calls };
  } finally {
    client.destroy();
  }
}
