import { parseCidr, portRangeText, type Cidr, type Protocol, type ResolvedFlow, type RowId } from '../model';

/**
 * What `portplan verify aws|azure` finds when it checks a deployed site against the plan: each
 * planned flow allowed or blocked, and each rule on the plan's groups that no flow needs. Shared by
 * the AWS and the Azure checks, so both report alike.
 * @packageDocumentation
 */

/** Which side of a connection stopped it. */
export type BlockedSide = 'ingress' | 'egress';

/** Ports of a flow the deployed rules do not let through, and why. */
export interface BlockedPorts {
  /** First blocked port. */
  readonly fromPort: number;
  /** Last blocked port. */
  readonly toPort: number;
  /** Each side that stopped them: `ingress` at the listener, `egress` at the initiator. */
  readonly by: readonly BlockedBy[];
}

/** One side that stopped a connection. */
export interface BlockedBy {
  /** The listener's inbound rules, or the initiator's outbound rules. */
  readonly side: BlockedSide;
  /** The rule that denied it (Azure), or undefined when no rule allows it (AWS: a missing rule). */
  readonly rule?: string;
}

/** A planned flow as the deployed rules treat it. */
export interface FlowCheck {
  /** The initiator's group or peer name. */
  readonly from: string;
  /** The listener's group or peer name. */
  readonly to: string;
  /** Transport protocol. */
  readonly protocol: Protocol;
  /** First port of the flow. */
  readonly fromPort: number;
  /** Last port of the flow. */
  readonly toPort: number;
  /** The catalog rows that require the flow. */
  readonly rows: readonly RowId[];
  /** `allowed` when every port passes both sides, else `blocked`. */
  readonly status: 'allowed' | 'blocked';
  /** The ports that do not pass, in port order; empty when allowed. */
  readonly blocked: readonly BlockedPorts[];
}

/** A deployed rule that no planned flow needs. */
export interface ExtraRule {
  /** The plan's group that carries the rule. */
  readonly group: string;
  /** `inbound` or `outbound`. */
  readonly direction: 'inbound' | 'outbound';
  /** The other side: a group name, a CIDR, a service tag, or an unknown security group id. */
  readonly remote: string;
  /** The protocol as the cloud reports it (`tcp`, `-1`, `Tcp`, `*`...). */
  readonly protocol: string;
  /** The ports as text (`3389`, `1000-1009`, `all`). */
  readonly ports: string;
  /** The rule's description, if it has one. */
  readonly description?: string;
  /** The rule's id (`sgr-...`) or name (Azure). */
  readonly rule: string;
  /** Whether the rule admits any address (0.0.0.0/0, ::/0, `*` or `Internet`). */
  readonly worldOpen: boolean;
}

/** A declared group and the deployed group it was mapped to. */
export interface MappedGroup {
  /** The group's declared name. */
  readonly name: string;
  /** The deployed group's id (`sg-...`, or the ASG's resource id). */
  readonly id: string;
}

/** The outcome of checking one site. */
export interface SiteReport {
  /** The cloud checked. */
  readonly cloud: 'aws' | 'azure';
  /** Each group of the declaration and the security group or ASG it was found as. */
  readonly groups: readonly MappedGroup[];
  /** Every planned flow, in resolve() order. */
  readonly flows: readonly FlowCheck[];
  /** Rules no flow needs: world-open ones first, then by group, direction and text. */
  readonly extra: readonly ExtraRule[];
  /** Whether the deployed state differs from the plan: a blocked flow or an extra rule. */
  readonly drift: boolean;
}

/** Version of the JSON that `portplan verify --json` prints; raised only when a field changes meaning or goes. */
export const VERIFY_JSON_VERSION = 1;

/** The first address of a CIDR: the address a peer is given in the evaluators' models. */
export function firstAddress(cidr: string): string {
  const text = (parseCidr(cidr) as Cidr).text;
  return text.slice(0, text.indexOf('/'));
}

/**
 * The ports `[from, to]` split where any of the `bounds` start or end a range, so that a verdict
 * that depends only on which rules cover a port is the same for every port of a piece. Checking
 * one port per piece is then exact, whatever the width of the flow's range.
 */
export function portPieces(
  from: number,
  to: number,
  bounds: readonly { fromPort?: number; toPort?: number }[],
): [number, number][] {
  const cuts = new Set<number>([from, to + 1]);
  for (const b of bounds) {
    if (b.fromPort !== undefined && b.fromPort > from && b.fromPort <= to) cuts.add(b.fromPort);
    if (b.toPort !== undefined && b.toPort >= from && b.toPort < to) cuts.add(b.toPort + 1);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  return sorted.slice(0, -1).map((c, i) => [c, sorted[i + 1] - 1]);
}

/** Blocked pieces with the same reasons, side by side, as one range. */
export function mergeBlocked(pieces: readonly BlockedPorts[]): BlockedPorts[] {
  const out: BlockedPorts[] = [];
  for (const p of pieces) {
    const last = out.at(-1);
    if (last && last.toPort + 1 === p.fromPort && JSON.stringify(last.by) === JSON.stringify(p.by)) {
      out[out.length - 1] = { ...last, toPort: p.toPort };
    } else out.push(p);
  }
  return out;
}

/** A flow's check from its pieces' verdicts. */
export function flowCheck(flow: ResolvedFlow, blocked: readonly BlockedPorts[]): FlowCheck {
  const merged = mergeBlocked(blocked);
  return {
    from: flow.from.name,
    to: flow.to.name,
    protocol: flow.protocol,
    fromPort: flow.fromPort,
    toPort: flow.toPort,
    rows: flow.rows,
    status: merged.length ? 'blocked' : 'allowed',
    blocked: merged,
  };
}

/** Extra rules in report order: world-open first, then the group's place in the declaration, direction, text. */
export function sortExtra(extra: readonly ExtraRule[], groups: readonly string[]): ExtraRule[] {
  const key = (e: ExtraRule) =>
    [e.worldOpen ? 0 : 1, groups.indexOf(e.group), e.direction === 'inbound' ? 0 : 1].join('|');
  const text = (e: ExtraRule) => `${e.remote} ${e.protocol} ${e.ports} ${e.rule}`;
  return [...extra].sort(
    (a, b) => key(a).localeCompare(key(b)) || (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0),
  );
}

const byText = (x: BlockedBy): string =>
  `${x.side === 'ingress' ? 'no ingress' : 'no egress'}${x.rule ? ` (denied by ${x.rule})` : ''}`;
const blockedText = (b: BlockedPorts): string => `${portRangeText(b)}: ${b.by.map(byText).join(', ')}`;

const cell = (text: string): string => text.replace(/\|/g, '\\|');
const table = (head: readonly string[], rows: readonly (readonly string[])[]): string[] => [
  `| ${head.join(' | ')} |`,
  `|${head.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
];

/** A report for people: a verdict line, the flows as a table (blocked first), then the extra rules. */
export function siteReportText(r: SiteReport): string {
  const blocked = r.flows.filter((f) => f.status === 'blocked').length;
  const cloud = r.cloud === 'aws' ? 'AWS' : 'Azure';
  const lines = [
    `${cloud}: ${r.drift ? 'DRIFT' : 'as planned'}: ` +
      `${r.flows.length} flows, ${r.flows.length - blocked} allowed, ${blocked} blocked; ` +
      `${r.extra.length} extra rule${r.extra.length === 1 ? '' : 's'} ` +
      `(${r.extra.filter((e) => e.worldOpen).length} world-open)`,
    '',
    `groups: ${r.groups.map((g) => `${g.name}=${g.id}`).join(', ')}`,
    '',
    ...table(
      ['status', 'from', 'to', 'protocol', 'ports', 'rows', 'blocked'],
      // What needs fixing first: the blocked flows, then the allowed ones, each in resolve() order.
      [...r.flows.filter((f) => f.status === 'blocked'), ...r.flows.filter((f) => f.status !== 'blocked')].map((f) => [
        f.status,
        f.from,
        f.to,
        f.protocol,
        portRangeText(f),
        f.rows.join(', '),
        f.blocked.map(blockedText).join('; '),
      ]),
    ),
  ];
  if (r.extra.length) {
    lines.push('', 'Rules no planned flow needs (world-open first):', '');
    lines.push(
      ...table(
        ['group', 'direction', 'remote', 'protocol', 'ports', 'rule', 'description'],
        r.extra.map((e) => [
          e.group,
          e.direction,
          `${e.remote}${e.worldOpen ? ' (WORLD)' : ''}`,
          e.protocol,
          e.ports,
          e.rule,
          e.description ?? '',
        ]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The machine-readable form: stable field names, flows in resolve() order. */
export function siteReportJson(r: SiteReport): string {
  return `${JSON.stringify({ version: VERIFY_JSON_VERSION, ...r }, null, 2)}\n`;
}
