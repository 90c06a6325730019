import { Option, type Command } from 'commander';
import { citationText, type RowId } from '../model/catalog';
import type { CatalogSet } from '../model/catalog-set';
import { flowPortsText, portRangeText, type Resolution } from '../model/resolve';
import { prefixListText } from '../model/peer-address';
import type { PlannedRule } from '../aws';
import type { AzureRuleEndpoint } from '../azure';
import { aws, azure } from './lazy';
import { unique } from './render';
import { choicesOf, type Source } from './source';

/**
 * `portplan report`: every rule the plan creates on each cloud, with the catalog rows behind it,
 * for a security review. Uses the adapters' pure planners only (no cloud SDK), so the report is
 * the rules the constructs write.
 * @packageDocumentation
 */

/** One rule of the review: the same fields for both clouds. */
export interface ReportRule {
  /** `aws` or `azure`. */
  readonly cloud: 'aws' | 'azure';
  /**
   * Azure: the rule's name; AWS: a separate rule's construct id with a single port written once
   * ({@link ruleName}), or `inline` / `default`.
   */
  readonly name: string;
  /** Azure: the NSG priority; AWS: none. */
  readonly priority?: number;
  /** `inbound` or `outbound`. */
  readonly direction: 'inbound' | 'outbound';
  /** `allow` or `deny`. */
  readonly access: 'allow' | 'deny';
  /** The security group (AWS) or ASG (Azure) carrying or matching the rule, by group name. */
  readonly group: string;
  /** The initiator: a group, a CIDR with its peer names, a service tag or `*`. */
  readonly source: string;
  /** The listener: a group, a CIDR with its peer names, a service tag or `*`. */
  readonly destination: string;
  /** `tcp`, `udp` or `all`. */
  readonly protocol: string;
  /** Ports as text (`3628`, `3000-3009`, `137,138`, `all`). */
  readonly ports: string;
  /** Why the rule exists: `flow`, `default-egress`, `load-balancer`, `additional` or `deny`. */
  readonly origin: string;
  /** The catalog rows the rule carries. */
  readonly rows: readonly RowId[];
  /** The rows' purposes. */
  readonly purpose: string;
  /** When the rows apply. */
  readonly condition: string;
  /** The vendor documents the rows come from, with the row ids. */
  readonly document: string;
}

/** Version of `portplan report --format json`; raised only when a field changes meaning or goes. */
export const REPORT_JSON_VERSION = 1;

/** The report's formats. */
export const REPORT_FORMATS = ['md', 'csv', 'json'] as const;

function rowFields(
  rows: readonly RowId[],
  catalog: CatalogSet,
): Pick<ReportRule, 'purpose' | 'condition' | 'document'> {
  const r = rows.flatMap((id) => catalog.row(id) ?? []);
  return {
    purpose: unique(r.map((x) => x.purpose)).join('; '),
    condition: unique(r.map((x) => x.condition)).join('; '),
    // Every citation of every row, each once.
    document: unique(r.flatMap((x) => x.citations.map(citationText))).join('; '),
  };
}

/** A CIDR with the names of the declared peers at it. */
function cidrText(cidr: string, r: Resolution): string {
  const peers = r.declaration.peers.filter((p) => p.cidr === cidr).map((p) => p.name);
  return peers.length ? `${cidr} (${peers.join(', ')})` : cidr;
}

/**
 * The name of a separate AWS rule in the report: its construct id (which ends in `-<from>-<to>`
 * ports, and stays as it is so that deployed rules keep their logical ids), a single port written
 * once, as everywhere else: `in-db-from-app-tcp-5432`, `in-app-from-web-tcp-9100-9103`.
 */
export function ruleName(rule: Pick<PlannedRule, 'id' | 'fromPort' | 'toPort' | 'icmp'>): string {
  const ports = `-${rule.fromPort}-${rule.toPort}`;
  // An ICMP rule's id ends in EC2's type and code (-1 for all), kept as they are.
  if (rule.icmp || rule.fromPort !== rule.toPort || !rule.id.endsWith(ports)) return rule.id;
  return `${rule.id.slice(0, -ports.length)}-${portRangeText(rule)}`;
}

/**
 * The AWS rules of a plan where portplan creates every group (the CDK construct's default):
 * each planned rule, and CDK's allow-all egress rules under `egress: default`
 * (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
 */
export function awsReportRules(r: Resolution): ReportRule[] {
  const plan = aws().planAws(r);
  const out: ReportRule[] = plan.rules.map((rule) => {
    const remote =
      rule.remote.kind === 'group'
        ? rule.remote.name
        : rule.remote.kind === 'cidr'
          ? cidrText(rule.remote.cidr, r)
          : prefixListText(rule.remote.prefixList);
    const inbound = rule.direction === 'inbound';
    return {
      cloud: 'aws',
      name: rule.placement === 'inline' ? 'inline' : ruleName(rule),
      direction: rule.direction,
      access: 'allow',
      group: rule.group,
      source: inbound ? remote : rule.group,
      destination: inbound ? rule.group : remote,
      protocol: rule.protocol,
      ports: flowPortsText(rule),
      origin: 'flow',
      rows: rule.rows,
      ...rowFields(rule.rows, r.catalog),
    };
  });
  // Every group portplan creates, the role-wide ones too, keeps CDK's allow-all egress under default egress.
  for (const g of [...plan.groups, ...plan.roleGroups]) {
    for (const d of g.defaultEgress.filter((e) => e !== 'no-traffic-placeholder')) {
      out.push({
        cloud: 'aws',
        name: 'default',
        direction: 'outbound',
        access: 'allow',
        group: g.name,
        source: g.name,
        destination: d === 'allow-all-ipv4' ? '0.0.0.0/0' : '::/0',
        protocol: 'all',
        ports: 'all',
        origin: 'default-egress',
        rows: [],
        purpose: 'egress: default (outbound not restricted)',
        condition: 'egress is not restricted',
        document: '',
      });
    }
  }
  return out;
}

const side = (e: AzureRuleEndpoint, r: Resolution): string => ('group' in e ? e.group : cidrText(e.prefix, r));

/**
 * The Azure rules of a plan in an NSG the component creates, with its defaults: the whole priority
 * band, VirtualNetwork deny rules and Load Balancer probe allows.
 */
export function azureReportRules(r: Resolution): ReportRule[] {
  const plan = azure().planAzure(r, { band: azure().AZURE_LIMITS.priority, denyOtherVnetTraffic: true });
  return plan.rules.map((rule) => {
    const inbound = rule.direction === 'Inbound';
    const groupEnd = inbound ? rule.destination : rule.source;
    return {
      cloud: 'azure',
      name: rule.name,
      priority: rule.priority,
      direction: inbound ? 'inbound' : 'outbound',
      access: rule.access === 'Allow' ? 'allow' : 'deny',
      group: 'group' in groupEnd ? groupEnd.group : '',
      source: side(rule.source, r),
      destination: side(rule.destination, r),
      protocol: rule.protocol === '*' ? 'all' : rule.protocol.toLowerCase(),
      ports: rule.ports.join(',') === '*' ? 'all' : rule.ports.join(','),
      origin: rule.origin,
      rows: rule.rows,
      ...(rule.rows.length
        ? rowFields(rule.rows, r.catalog)
        : { purpose: rule.description, condition: '', document: '' }),
    };
  });
}

const COLUMNS = [
  'cloud',
  'name',
  'priority',
  'direction',
  'access',
  'group',
  'source',
  'destination',
  'protocol',
  'ports',
  'origin',
  'rows',
  'purpose',
  'condition',
  'document',
] as const;
const field = (x: ReportRule, c: (typeof COLUMNS)[number]): string =>
  c === 'rows' ? x.rows.join(' ') : String(x[c] ?? '');

/** CSV as RFC 4180 has it: a header line, CRLF line ends, fields with a comma, quote or line end quoted. */
export function reportCsv(rules: readonly ReportRule[]): string {
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [COLUMNS.join(','), ...rules.map((x) => COLUMNS.map((c) => quote(field(x, c))).join(','))]
    .map((l) => `${l}\r\n`)
    .join('');
}

/** Markdown: one section per cloud, one table row per rule. */
export function reportMarkdown(aws: readonly ReportRule[], azure: readonly ReportRule[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const table = (rules: readonly ReportRule[], cols: readonly (typeof COLUMNS)[number][]) => [
    `| ${cols.join(' | ')} |`,
    `|${cols.map(() => '---').join('|')}|`,
    ...rules.map((x) => `| ${cols.map((c) => cell(field(x, c))).join(' | ')} |`),
  ];
  // Every column but the cloud, the Azure rule name and its priority, which only the Azure table has.
  const common = COLUMNS.slice(3);
  return [
    '# portplan rule report',
    '',
    '## AWS security group rules',
    '',
    'Every group created by portplan (CDK construct defaults).',
    '',
    ...table(aws, ['name', ...common]),
    '',
    '## Azure NSG rules',
    '',
    'An NSG created by the component with its defaults: priorities 100-4096, VirtualNetwork deny rules, ' +
      'Load Balancer probe allows.',
    '',
    ...table(azure, ['name', 'priority', ...common]),
    '',
  ].join('\n');
}

/** What `portplan report` takes from the CLI around it. */
export interface ReportContext {
  /** Adds the declaration options (`--preset`, `--file`, `--catalog`) to a command. */
  readonly withSource: (c: Command) => Command;
  /** Loads and resolves the declaration the options name, with their catalogs. */
  readonly load: (options: Source, cmd: Command) => Resolution;
  /** Standard output. */
  readonly out: (text: string) => void;
}

/** `portplan report --format md|csv|json`. */
export function registerReport(program: Command, ctx: ReportContext): void {
  ctx
    .withSource(
      program
        .command('report')
        .description(
          'every rule the plan creates on AWS and Azure, with rows, purpose, condition and vendor document, ' +
            'for a security review',
        ),
    )
    .addOption(choicesOf(new Option('--format <format>', 'output format'), REPORT_FORMATS).default('md'))
    .action((o: Source & { format: (typeof REPORT_FORMATS)[number] }, cmd: Command) => {
      const r = ctx.load(o, cmd);
      const aws = awsReportRules(r);
      const azure = azureReportRules(r);
      if (o.format === 'json') ctx.out(`${JSON.stringify({ version: REPORT_JSON_VERSION, aws, azure }, null, 2)}\n`);
      else if (o.format === 'csv') ctx.out(reportCsv([...aws, ...azure]));
      else ctx.out(reportMarkdown(aws, azure));
    });
}
