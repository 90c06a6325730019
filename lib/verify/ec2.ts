import type * as Ec2 from '@aws-sdk/client-ec2';
import { ArgumentError, PortplanError } from '../model';
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

/** What to read: every group of a VPC, and groups by id. */
export interface Ec2Query {
  /** Read every security group of this VPC. */
  readonly vpcId?: string;
  /** Read these security groups too. */
  readonly groupIds?: readonly string[];
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

/**
 * Reads the security groups a query names, with every rule (`DescribeSecurityGroups`, then
 * `DescribeSecurityGroupRules`, which gives each rule its id and one remote:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroupRules.html).
 * Groups in id order, rules in EC2's order.
 * @throws MissingDependencyError without the SDK; AwsAccessError for credentials, region or an
 *   API error. A group id EC2 does not know is left out of the answer, for the caller to name.
 */
export async function readSecurityGroups(query: Ec2Query): Promise<ReadSecurityGroup[]> {
  const sdk = await loadSdk();
  const client = new sdk.EC2Client({});
  try {
    const found = new Map<string, Ec2.SecurityGroup>();
    const describe = async (input: Ec2.DescribeSecurityGroupsCommandInput) => {
      let token: string | undefined;
      do {
        const page = await client
          .send(new sdk.DescribeSecurityGroupsCommand({ ...input, NextToken: token }))
          .catch((e: unknown) => {
            throw accessError(e, 'DescribeSecurityGroups');
          });
        for (const g of page.SecurityGroups ?? []) found.set(g.GroupId!, g);
        token = page.NextToken;
      } while (token);
    };
    // MaxResults pages a filtered query; EC2 refuses it together with GroupIds. Groups given by id
    // are read through the group-id filter too: an id EC2 does not know is then missing from the
    // answer (and named by the caller, with the group the user gave it for), where GroupIds would
    // fail the whole call with InvalidGroup.NotFound naming one id at most. A filter takes at most
    // 200 values.
    if (query.vpcId) await describe({ Filters: [{ Name: 'vpc-id', Values: [query.vpcId] }], MaxResults: 1000 });
    const given = [...new Set(query.groupIds ?? [])];
    for (let i = 0; i < given.length; i += 200)
      await describe({ Filters: [{ Name: 'group-id', Values: given.slice(i, i + 200) }], MaxResults: 1000 });
    const ids = [...found.keys()].sort();
    const rules = new Map<string, { ingress: DeployedRule[]; egress: DeployedRule[] }>(
      ids.map((id) => [id, { ingress: [], egress: [] }]),
    );
    // A filter takes at most 200 values.
    for (let i = 0; i < ids.length; i += 200) {
      let token: string | undefined;
      do {
        const page = await client
          .send(
            new sdk.DescribeSecurityGroupRulesCommand({
              Filters: [{ Name: 'group-id', Values: ids.slice(i, i + 200) }],
              MaxResults: 1000,
              NextToken: token,
            }),
          )
          .catch((e: unknown) => {
            throw accessError(e, 'DescribeSecurityGroupRules');
          });
        for (const r of page.SecurityGroupRules ?? []) {
          const rule: DeployedRule = {
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
          rules.get(r.GroupId!)?.[r.IsEgress ? 'egress' : 'ingress'].push(rule);
        }
        token = page.NextToken;
      } while (token);
    }
    return ids.map((id) => {
      const g = found.get(id)!;
      return {
        groupId: id,
        groupName: g.GroupName ?? '',
        ...(g.VpcId ? { vpcId: g.VpcId } : {}),
        tags: Object.fromEntries((g.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        ...rules.get(id)!,
      };
    });
  } finally {
    client.destroy();
  }
}
