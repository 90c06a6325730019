import { Option, type Command } from 'commander';
import { ArgumentError, PortplanError } from '../model/errors';
import { flowPortsText, type Resolution } from '../model/resolve';
import { describePacket } from '../packets';
import type { AwsRuleChange } from '../verify/explain-aws';
import type { AzureRuleChange } from '../verify/explain-azure';
import type { PairQuery } from '../verify/explain-pair';
import type { SiteAnswer, SiteDirection, SideGap } from '../verify/explain-site';
import { parseIcmpPort, parsePort, parsePortRange } from './explain';
import { explainAws, explainAzure } from './lazy';
import { VERIFY_EXIT, readAwsSite, readAzureSite, repeatable } from './verify';

/**
 * `portplan explain --site aws|azure`: the pair question of `explain` asked of a deployed site, read
 * with the options and readers of `verify aws` and `verify azure`.
 * @packageDocumentation
 */

/** The options of `explain` that name a deployed site: `--site` and those of `verify aws|azure`. */
export interface SiteOptions {
  /** The cloud of the site. */
  readonly site?: 'aws' | 'azure';
  /** AWS: the VPC whose groups tagged portplan:group are read. */
  readonly vpc?: string;
  /** AWS `name=sg-id`, Azure `name=asg`: each group's security group or ASG. */
  readonly group?: string[];
  /** Azure: the NSG's JSON. */
  readonly nsg?: string;
  /** Azure: the ASG list's JSON. */
  readonly asgs?: string;
  /** Azure: the NSG of an ARM export that holds several. */
  readonly nsgName?: string;
  /** Azure: the VNet's address space. */
  readonly addressSpace?: string[];
  /** Azure: the VNet's Virtual Network Manager security admin rules' JSON. */
  readonly adminRules?: string;
  /** Azure: the address ranges of service tags, as Azure publishes them. */
  readonly serviceTags?: string;
}

/** What the site half of `explain` takes from the CLI around it. */
export interface ExplainSiteContext {
  /** Standard output. */
  readonly out: (text: string) => void;
  /** Standard error. */
  readonly err: (text: string) => void;
  /** Sets the exit code. */
  readonly exit: (code: number) => void;
  /** Whether the CLI awaits actions (reading EC2 needs it). */
  readonly async: boolean;
}

/** Adds `--site` and the site options of `verify aws` and `verify azure`, with their names, to `explain`. */
export function siteOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--site <cloud>',
        'answer against a deployed site as well: aws (read from EC2) or azure (JSON files)',
      ).choices(['aws', 'azure']),
    )
    .option('--vpc <vpc-id>', "aws: read the plan's security groups from this VPC (as verify aws)")
    .option('--group <name=id>', 'aws: name=sg-id; azure: name=ASG name or id (as verify); repeatable', repeatable)
    .option('--nsg <file>', 'azure: the NSG, as az network nsg show or az group export print it (as verify azure)')
    .option('--asgs <file>', 'azure: the ASGs, as az network asg list prints them (as verify azure)')
    .option('--nsg-name <name>', 'azure: the NSG to read when an ARM export holds several')
    .option('--address-space <cidr>', "azure: the VNet's address space; repeatable", repeatable)
    .option(
      '--admin-rules <file>',
      "azure: the VNet's Virtual Network Manager security admin rules, evaluated before the NSG: " +
        'az network manager list-effective-security-admin-rule -o json (as verify azure)',
    )
    .option(
      '--service-tags <file>',
      'azure: the ranges of service tags the peers or rules name: az network list-service-tags --location <region> -o json',
    );
}

const AWS_ONLY = ['vpc'] as const;
const AZURE_ONLY = ['nsg', 'asgs', 'nsgName', 'addressSpace', 'adminRules', 'serviceTags'] as const;
const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * Whether the command asks about a site; a site option without `--site`, or of the other cloud, is refused.
 * @throws ArgumentError naming the option
 */
export function asksSite(o: SiteOptions): boolean {
  const given = (keys: readonly string[]) => keys.filter((k) => o[k as keyof SiteOptions] !== undefined);
  const stray =
    o.site === 'aws'
      ? given(AZURE_ONLY)
      : o.site === 'azure'
        ? given(AWS_ONLY)
        : given([...AWS_ONLY, ...AZURE_ONLY, 'group']);
  if (stray.length) {
    const other = o.site === 'aws' ? 'azure' : 'aws';
    const allowed = o.site
      ? `an option of --site ${o.site}; ${flag(stray[0])} is an option of --site ${other}`
      : '--site aws or --site azure before the options of a site';
    throw new ArgumentError(flag(stray[0]), o[stray[0] as keyof SiteOptions], allowed);
  }
  return o.site !== undefined;
}

/** The questions `--port` asks: every packet, a protocol and range (both protocols when none is given), or ICMP messages. */
function siteQueries(from: string, to: string, port: string | undefined): PairQuery[] {
  if (port === undefined) return [{ from, to }];
  const icmp = parseIcmpPort(port);
  if (icmp) return [{ from, to, port: icmp }];
  const range = parsePortRange(port);
  const single = range ? undefined : parsePort(port);
  const [lo, hi, protocol] = range
    ? [range.from, range.to, range.protocol]
    : [single!.port, single!.port, single!.protocol];
  const protocols = protocol ? [protocol] : (['tcp', 'udp'] as const);
  return protocols.map((p) => ({ from, to, port: { protocol: p, from: lo, to: hi } }));
}

/** The answers from EC2: the groups found as `verify aws` finds them. */
async function awsAnswers(
  r: Resolution,
  o: SiteOptions,
  queries: readonly PairQuery[],
): Promise<SiteAnswer<AwsRuleChange>[]> {
  const { ids, read } = await readAwsSite(r, o);
  return queries.map((q) => explainAws().explainAwsSite(r, q, ids, read.groups, { prefixLists: read.prefixLists }));
}

/** The answers from Azure's JSON: the NSG, ASGs and admin rules read as `verify azure` reads them. */
function azureAnswers(r: Resolution, o: SiteOptions, queries: readonly PairQuery[]): SiteAnswer<AzureRuleChange>[] {
  if (o.nsg === undefined)
    throw new ArgumentError(
      '--nsg',
      undefined,
      'the NSG for --site azure: az network nsg show -g <rg> -n <nsg> -o json',
    );
  if (!o.addressSpace?.length)
    throw new ArgumentError(
      '--address-space',
      undefined,
      "the VNet's address space for --site azure, e.g. 10.40.0.0/16",
    );
  const { nsg, groups, adminRules, serviceTags } = readAzureSite(r, { ...o, nsg: o.nsg });
  const network = { addressSpace: o.addressSpace };
  const options = { adminRules, ...(serviceTags ? { serviceTags } : {}) };
  return queries.map((q) => explainAzure().explainAzureSite(r, q, network, nsg, groups, options));
}

// Errors the user can fix (arguments, files, credentials) end with exit 2, as in verify.
const userFault = (e: unknown): e is Error =>
  e instanceof PortplanError || (e instanceof Error && (e.name === 'InputError' || e.name === 'UsageError'));

/**
 * `explain --site`: reads the site, answers every question, prints text or JSON; exit 0 whatever the
 * answer, 2 when the site cannot be read (as `verify`).
 */
export async function explainSiteCommand(
  ctx: ExplainSiteContext,
  r: Resolution,
  o: SiteOptions & { readonly from: string; readonly to: string; readonly port?: string; readonly json?: boolean },
): Promise<void> {
  try {
    const queries = siteQueries(o.from, o.to, o.port);
    let answers: SiteAnswer<AwsRuleChange | AzureRuleChange>[];
    if (o.site === 'aws') {
      // A program calling the synchronous run() cannot wait for EC2.
      if (!ctx.async)
        throw new ArgumentError('argv', 'explain --site aws', 'a command run through runAsync(): it waits for EC2');
      answers = await awsAnswers(r, o, queries);
    } else answers = azureAnswers(r, o, queries);
    if (o.json) ctx.out(`${JSON.stringify(answers.length === 1 ? answers[0] : answers, null, 2)}\n`);
    else ctx.out(answers.map(siteText).join(''));
    ctx.exit(VERIFY_EXIT.asPlanned);
  } catch (e) {
    if (!userFault(e)) throw e;
    ctx.err(`portplan: ${e.message}\n`);
    ctx.exit(VERIFY_EXIT.error);
  }
}

/** An AWS change for people: what to add or widen, on which group, naming the remote. */
export function awsChangeText(c: AwsRuleChange): string {
  const way = c.direction === 'ingress' ? 'inbound' : 'outbound';
  const ports = (x: { fromPort?: number; toPort?: number }) =>
    x.fromPort === x.toPort ? `${x.fromPort}` : `${x.fromPort}-${x.toPort}`;
  const remote = (rule: AwsRuleChange['rule']) => {
    const id = rule.referencedGroupId ?? rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.prefixListId ?? '?';
    return `${c.direction === 'ingress' ? 'from' : 'to'} ${id}`;
  };
  const now = `${c.rule.ipProtocol} ${ports(c.rule)} ${remote(c.rule)}${c.rule.referencedGroupId ? ` (${c.remote})` : ''}`;
  if (c.action === 'add') return `add ${way} rule to ${c.group} (${c.groupId}): ${now}`;
  const was = c.replaces!;
  const id = was.ruleId !== undefined ? ` ${was.ruleId}` : '';
  return `widen ${way} rule${id} of ${c.group} (${c.groupId}): ${was.ipProtocol} ${ports(was)} ${remote(was)} -> ${now}`;
}

/**
 * An Azure change for people: the Allow rule to add, the Deny rule to remove, or the admin rule
 * that must change (no NSG change opens what it denies), and what denies now.
 */
export function azureChangeText(c: AzureRuleChange): string {
  if (c.action === 'change-admin-rule') {
    const also = c.nsgBlockedBy.length ? `; the NSGs deny them too: ${c.nsgBlockedBy.join(', ')}` : '';
    const a = c.adminRule;
    return (
      `change admin rule ${a.name} (priority ${a.priority}, ${a.direction} Deny) in the Virtual Network Manager ` +
      `security admin configuration: it is evaluated before every NSG, so no NSG change opens these packets${also}`
    );
  }
  const r = c.rule;
  const because = `blocked by ${c.blockedBy.join(', ')}`;
  if (c.action === 'remove')
    return `remove ${String(r.name)} (priority ${String(r.priority)}) from NSG ${c.nsg}: no priority is free below it (${because})`;
  const side = (s: 'source' | 'destination') => {
    const asg = r[`${s}ApplicationSecurityGroups`] as { id: string }[] | undefined;
    // An ASG by the group it stands for, and its name (the last segment of its id).
    const named = (id: string) => `${s === 'source' ? c.from : c.to} (ASG ${id.split('/').at(-1)!})`;
    return asg ? asg.map((a) => named(a.id)).join(', ') : String(r[`${s}AddressPrefix`]);
  };
  const ports = (r.destinationPortRanges as string[] | undefined)?.join(',') ?? String(r.destinationPortRange);
  return `add to NSG ${c.nsg}: ${String(r.name)}, priority ${String(r.priority)}, ${String(r.direction)} Allow ${String(r.protocol)} from ${side('source')} to ${side('destination')} ports ${ports} (${because})`;
}

const changeText = (c: AwsRuleChange | AzureRuleChange): string =>
  'groupId' in c ? awsChangeText(c) : azureChangeText(c);

function gapLines(g: SideGap<AwsRuleChange | AzureRuleChange>): string[] {
  return [
    `    ${g.side} stops:`,
    ...g.packets.map((l) => `      ${l}`),
    `      e.g. ${describePacket(g.witness)}`,
    ...(g.changes.length ? g.changes.map((c) => `    change: ${changeText(c)}`) : ['    change: none found']),
  ];
}

function directionLines(d: SiteDirection<AwsRuleChange | AzureRuleChange>): string[] {
  const n = d.flows.length;
  const stopped = d.flows.filter((f) => f.status !== 'allowed').length;
  const lines = [
    `${d.from} -> ${d.to}: ${n ? `${n} planned flow${n === 1 ? '' : 's'}, ${stopped} not wholly allowed by the site` : 'the plan opens nothing'}`,
  ];
  for (const f of d.flows) {
    lines.push(`  flow ${f.from} -> ${f.to} ${f.protocol} ${flowPortsText(f)} (${f.rows.join(', ')}): ${f.status}`);
    for (const g of f.gaps) lines.push(...gapLines(g));
  }
  if (d.unrequired) {
    lines.push('  the site admits, and no vendor row requires:', ...d.unrequired.packets.map((l) => `    ${l}`));
    lines.push(`    e.g. ${describePacket(d.unrequired.witness)}`);
    if (d.unrequired.rules.length) lines.push(`    admitted by: ${d.unrequired.rules.join(', ')}`);
  }
  if (d.closedWitness)
    lines.push(
      `  everything else closed by the plan and the site: no vendor row requires it (e.g. ${describePacket(d.closedWitness)})`,
    );
  return lines;
}

/** A site answer for people: per direction, each planned flow as the site treats it and the change that opens it. */
export function siteText(a: SiteAnswer<AwsRuleChange | AzureRuleChange>): string {
  const cloud = a.cloud === 'aws' ? 'AWS' : 'Azure';
  return `against the ${cloud} site:\n${a.directions.map((d) => directionLines(d).join('\n')).join('\n')}\n`;
}
