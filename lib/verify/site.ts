import { portRangeText, type PortRange, type FlowProtocol, type ResolvedFlow, type RowId } from '../model';
import {
  type Packet,
  type PacketSet,
  PROTOCOL_NUMBERS,
  describePacket,
  describeSet,
  difference,
  equals,
  isEmpty,
  union,
  witness,
} from '../packets';
import { addressesOf, portsOf } from './plan-packets';

/**
 * What `portplan verify aws|azure` finds when it checks a deployed site against the plan, as exact
 * sets of packets (lib/packets): each planned flow allowed, partially blocked or blocked, with the
 * packets that do not get through and one of them as a witness; and each rule on the plan's groups
 * that admits packets no planned flow needs, with exactly those packets and a witness. Shared by
 * the AWS and the Azure checks, so both report alike.
 * @packageDocumentation
 */

/** Which side of a connection stopped it. */
export type BlockedSide = 'ingress' | 'egress';

/** The packets of a flow that one side does not let through. */
export interface Shortfall {
  /** `ingress` at the listener, `egress` at the initiator. */
  readonly side: BlockedSide;
  /** The rule that denies them (Azure), or absent when no rule allows them (a missing rule). */
  readonly rule?: string;
  /** Their destination ports, in order. */
  readonly ports: readonly PortRange[];
  /** Their source addresses, as the fewest CIDRs. */
  readonly sources: readonly string[];
  /** Their destination addresses, as the fewest CIDRs. */
  readonly destinations: readonly string[];
  /** The packets exactly, as lines of text (lib/packets describeSet). */
  readonly packets: readonly string[];
  /** One of them. */
  readonly witness: Packet;
}

/** A planned flow as the deployed rules treat it. */
export interface FlowCheck {
  /** The initiator's group or peer name. */
  readonly from: string;
  /** The listener's group or peer name. */
  readonly to: string;
  /** Transport protocol. */
  readonly protocol: FlowProtocol;
  /** First port of the flow. */
  readonly fromPort: number;
  /** Last port of the flow. */
  readonly toPort: number;
  /** The catalog rows that require the flow. */
  readonly rows: readonly RowId[];
  /**
   * `allowed` when every packet of the flow gets through both sides, `blocked` when none does,
   * `partial` when some do.
   */
  readonly status: 'allowed' | 'partial' | 'blocked';
  /** What each side stops, egress first; empty when allowed. */
  readonly blocked: readonly Shortfall[];
}

/** A deployed rule that admits packets no planned flow needs. */
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
  /**
   * The packets it admits that no planned flow needs, exactly, as lines of text: the whole rule for
   * a rule no flow needs, only the part beyond the plan for a widened one.
   */
  readonly surplus: readonly string[];
  /** One packet of the surplus; absent when the rule's packets are not known (a prefix list not read). */
  readonly witness?: Packet;
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
  /** Rules that admit packets no flow needs: world-open ones first, then by group, direction and text. */
  readonly extra: readonly ExtraRule[];
  /** Whether the deployed state differs from the plan: a flow not wholly allowed, or an extra rule. */
  readonly drift: boolean;
  /**
   * Azure: the service tags the site's rules name whose ranges were not given (`--service-tags`):
   * such a rule is read as admitting nothing, so what it opens is not checked. Absent when none.
   */
  readonly unknownServiceTags?: readonly string[];
}

/**
 * Version of the JSON that `portplan verify --json` prints; raised only when a field changes
 * meaning or goes. Version 2: a flow may be `partial`; `blocked` lists packet sets per side with a
 * witness; an extra rule carries its surplus and a witness.
 */
export const VERIFY_JSON_VERSION = 2;

/** What one side stops of a flow's packets, before it is described. */
export interface SideLoss {
  /** The side. */
  readonly side: BlockedSide;
  /** The packets it stops (empty when none). */
  readonly missing: PacketSet;
  /** The rule that denies them, where one does. */
  readonly rule?: string;
}

/** A shortfall from the packets one side stops (not empty). */
export function shortfall(loss: SideLoss, protocol: FlowProtocol): Shortfall {
  const m = loss.missing;
  return {
    side: loss.side,
    ...(loss.rule !== undefined ? { rule: loss.rule } : {}),
    ports: portsOf(m, PROTOCOL_NUMBERS[protocol]),
    sources: addressesOf(m, 'sourceAddress'),
    destinations: addressesOf(m, 'destinationAddress'),
    packets: describeSet(m),
    witness: witness(m)!,
  };
}

/**
 * A flow's check from its packets and what each side stops of them: allowed when nothing is
 * stopped, blocked when everything is, else partial.
 */
export function flowCheck(flow: ResolvedFlow, all: PacketSet, losses: readonly SideLoss[]): FlowCheck {
  const stopped = losses.filter((l) => !isEmpty(l.missing));
  const missing = stopped.reduce((acc, l) => union(acc, l.missing), difference(all, all));
  return {
    from: flow.from.name,
    to: flow.to.name,
    protocol: flow.protocol,
    fromPort: flow.fromPort,
    toPort: flow.toPort,
    rows: flow.rows,
    status: isEmpty(missing) ? 'allowed' : equals(missing, all) ? 'blocked' : 'partial',
    blocked: stopped.map((l) => shortfall(l, flow.protocol)),
  };
}

/** The surplus part of an extra rule: its lines and witness, or undefined when nothing is surplus. */
export function surplusOf(set: PacketSet): Pick<ExtraRule, 'surplus' | 'witness'> | undefined {
  if (isEmpty(set)) return undefined;
  return { surplus: describeSet(set), witness: witness(set)! };
}

/** Extra rules in report order: world-open first, then the group's place in the declaration, direction, text. */
export function sortExtra(extra: readonly ExtraRule[], groups: readonly string[]): ExtraRule[] {
  // Each rule's keys once, not once per comparison (a group's place is a look-up, not a search).
  const place = new Map(groups.map((g, i) => [g, i] as const));
  const keyed = extra.map((e) => ({
    e,
    key: [e.worldOpen ? 0 : 1, place.get(e.group) ?? -1, e.direction === 'inbound' ? 0 : 1].join('|'),
    text: `${e.remote} ${e.protocol} ${e.ports} ${e.rule}`,
  }));
  // The few distinct keys are ranked once by localeCompare, then rows compare by rank: the same
  // order, without a locale comparison per pair of thousands of rows.
  const rank = new Map(
    [...new Set(keyed.map((k) => k.key))].sort((a, b) => a.localeCompare(b)).map((k, i) => [k, i] as const),
  );
  keyed.sort((a, b) => rank.get(a.key)! - rank.get(b.key)! || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  return keyed.map((k) => k.e);
}

const shortfallText = (s: Shortfall): string =>
  `${s.side === 'ingress' ? 'no ingress' : 'no egress'}${s.rule ? ` (denied by ${s.rule})` : ''}: ` +
  `${s.packets.join(', ')} (e.g. ${describePacket(s.witness)})`;

const cell = (text: string): string => text.replace(/\|/g, '\\|');
const table = (head: readonly string[], rows: readonly (readonly string[])[]): string[] => [
  `| ${head.join(' | ')} |`,
  `|${head.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
];

const RANK = { blocked: 0, partial: 1, allowed: 2 } as const;

/** The verdict line: drift or not, the flows by status, the extra rules. */
function verdictLine(r: SiteReport): string {
  const count = (s: FlowCheck['status']) => r.flows.filter((f) => f.status === s).length;
  const partial = count('partial');
  const stopped = partial + count('blocked');
  return (
    `${r.cloud === 'aws' ? 'AWS' : 'Azure'}: ${r.drift ? 'DRIFT' : 'as planned'}: ` +
    `${r.flows.length} flows, ${r.flows.length - stopped} allowed, ${stopped} blocked` +
    `${partial ? ` (${partial} partially)` : ''}; ` +
    `${r.extra.length} extra rule${r.extra.length === 1 ? '' : 's'} ` +
    `(${r.extra.filter((e) => e.worldOpen).length} world-open)`
  );
}

/**
 * A report for people: a verdict line, the flows as a table (blocked first, then partially
 * blocked, then allowed), then the extra rules with their surplus and a witness packet.
 */
export function siteReportText(r: SiteReport): string {
  // What needs fixing first; a stable sort keeps resolve() order within a status.
  const flows = [...r.flows].sort((a, b) => RANK[a.status] - RANK[b.status]);
  const lines = [
    verdictLine(r),
    '',
    `groups: ${r.groups.map((g) => `${g.name}=${g.id}`).join(', ')}`,
    '',
    ...table(
      ['status', 'from', 'to', 'protocol', 'ports', 'rows', 'blocked'],
      flows.map((f) => [
        f.status,
        f.from,
        f.to,
        f.protocol,
        portRangeText(f),
        f.rows.join(', '),
        f.blocked.map(shortfallText).join('; '),
      ]),
    ),
  ];
  if (r.unknownServiceTags?.length) {
    lines.push(
      '',
      `Not checked: rules naming the service tags ${r.unknownServiceTags.join(', ')}, whose ranges were not given ` +
        '(--service-tags); they are read as admitting nothing.',
    );
  }
  if (r.extra.length) {
    lines.push('', 'Rules that admit packets no planned flow needs (world-open first):', '');
    lines.push(
      ...table(
        ['group', 'direction', 'remote', 'protocol', 'ports', 'rule', 'description', 'surplus', 'witness'],
        r.extra.map((e) => [
          e.group,
          e.direction,
          `${e.remote}${e.worldOpen ? ' (WORLD)' : ''}`,
          e.protocol,
          e.ports,
          e.rule,
          e.description ?? '',
          e.surplus.join(', '),
          e.witness ? describePacket(e.witness) : '',
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
