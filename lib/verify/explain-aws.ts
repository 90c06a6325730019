import { awsPeerAddress, type Endpoint, type PortRange, type Resolution, type ResolvedFlow } from '../model';
import { type PacketSet, difference, intersection, isEmpty, isSubset, union } from '../packets';
import { awsRulePackets, type AwsRule } from '../aws/site-packets';
import type { PairQuery } from './explain-pair';
import { explainSite, ownEnd, plannedAdmits, protocolNumber, remoteEnd, type SiteAnswer } from './explain-site';
import { portsOf } from './plan-packets';
import {
  awsSiteModel,
  type AwsSiteModel,
  type AwsSiteOptions,
  type DeployedGroup,
  type DeployedRule,
} from './site-aws';

/**
 * The AWS half of `explain --site aws`: the smallest security group rule change that admits a
 * flow's blocked packets. A rule of a security group only allows, names one protocol, one port
 * interval and one remote (a CIDR or a security group), and the rules of every group on an
 * interface are aggregated (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html):
 * so a blocked flow is opened by inbound rules on the listener's group naming the initiator (its
 * group, or the peer's CIDR), and, where the initiator's group restricts egress, outbound rules on
 * it naming the listener, one rule per interval of blocked ports; or by widening the rule already
 * there, when the widened rule admits nothing the plan does not need.
 * @packageDocumentation
 */

/** A rule to add to a security group, or a rule of it to widen. */
export interface AwsRuleChange {
  /** `add` a rule, or `widen` the rule `replaces` to `rule` (ModifySecurityGroupRules). */
  readonly action: 'add' | 'widen';
  /** The plan's group that holds the rule. */
  readonly group: string;
  /** Its security group id. */
  readonly groupId: string;
  /** `ingress` (inbound) or `egress` (outbound). */
  readonly direction: 'ingress' | 'egress';
  /** The rule as EC2 takes it: protocol, ports, one remote. */
  readonly rule: AwsRule;
  /** The remote as the plan names it: a group (with its security group id in `rule`) or a CIDR. */
  readonly remote: string;
  /** For `widen`: the rule as deployed. */
  readonly replaces?: DeployedRule;
}

/** The remote of a rule naming a flow's end: its group's security group, or the peer's CIDR. */
function remoteOf(
  end: Endpoint,
  ids: Readonly<Record<string, string>>,
): Pick<AwsRule, 'cidrIpv4' | 'cidrIpv6' | 'referencedGroupId' | 'prefixListId'> {
  if (end.kind === 'group') return { referencedGroupId: ids[end.name] };
  const address = awsPeerAddress(end);
  // A list AWS manages is named by its name where the plan has no id: the rule's id is the region's.
  if ('prefixList' in address) return { prefixListId: address.prefixList.id ?? address.prefixList.name! };
  return address.cidr.includes(':') ? { cidrIpv6: address.cidr } : { cidrIpv4: address.cidr };
}

const PROTOCOL_NAME: Readonly<Record<string, string>> = { '6': 'tcp', '17': 'udp' };
const sameProtocol = (r: AwsRule, protocol: string): boolean =>
  (PROTOCOL_NAME[String(r.ipProtocol)] ?? String(r.ipProtocol).toLowerCase()) === protocol;

/** A rule's own remote, as a remote of a new rule. */
function ownRemote(r: AwsRule): Pick<AwsRule, 'cidrIpv4' | 'cidrIpv6' | 'referencedGroupId'> | undefined {
  if (r.referencedGroupId !== undefined) return { referencedGroupId: r.referencedGroupId };
  if (r.cidrIpv4 !== undefined) return { cidrIpv4: r.cidrIpv4 };
  if (r.cidrIpv6 !== undefined) return { cidrIpv6: r.cidrIpv6 };
  return undefined;
}

interface ChangeContext {
  readonly model: AwsSiteModel;
  readonly ids: Readonly<Record<string, string>>;
  /** What a widened rule may admit: the plan's packets (and, outbound, what default egress admits). */
  readonly allowed: { readonly ingress: PacketSet; readonly egress: PacketSet };
}

const compile = (c: ChangeContext, groupId: string, side: 'ingress' | 'egress', rule: AwsRule) =>
  awsRulePackets(c.model.ctx, groupId, side, rule, `${groupId}.${side}`);

/**
 * The rule of the listener's (or initiator's) groups to widen: the first, in the site's order, of
 * the same protocol with ports, whose widening to the hull of its ports and the blocked ones (with
 * its own remote, or the flow's) admits every blocked packet and nothing beyond what it admitted
 * and what the plan needs.
 */
function widening(
  c: ChangeContext,
  flow: ResolvedFlow,
  side: 'ingress' | 'egress',
  missing: PacketSet,
  holders: readonly string[],
): AwsRuleChange | undefined {
  const ports = portsOf(missing, protocolNumber(flow.protocol));
  const [lo, hi] = [ports[0].fromPort, ports.at(-1)!.toPort];
  const peer = remoteOf(remoteEnd(flow, side), c.ids);
  const candidates = c.model.rules.filter(
    (x) =>
      holders.includes(x.holder) &&
      x.direction === side &&
      x.packets &&
      sameProtocol(x.rule, flow.protocol) &&
      x.rule.fromPort !== undefined &&
      x.rule.fromPort !== -1,
  );
  // Rules that already admit some of the flow first: the narrowed rule of the flow itself.
  const related = (x: (typeof candidates)[number]) => (!isEmpty(intersection(x.packets!, missing)) ? 0 : 1);
  for (const x of [...candidates].sort((a, b) => related(a) - related(b))) {
    const groupId = c.model.groups.get(x.holder)!.groupId;
    const from = Math.min(lo, x.rule.fromPort!);
    const to = Math.max(hi, x.rule.toPort ?? x.rule.fromPort!);
    for (const remote of [ownRemote(x.rule), peer]) {
      if (!remote) continue;
      const rule: AwsRule = { ipProtocol: flow.protocol, fromPort: from, toPort: to, ...remote };
      const set = compile(c, groupId, side, rule);
      // The widened rule replaces the rule: it keeps what the rule admitted, admits the blocked
      // packets, and nothing the plan does not need besides.
      const fits =
        set && isSubset(x.packets!, set) && isSubset(missing, set) && isSubset(set, union(c.allowed[side], x.packets!));
      if (!fits) continue;
      const described = x.rule.description !== undefined ? { description: x.rule.description } : {};
      const widened: AwsRule = { ...rule, ...described };
      return {
        action: 'widen',
        group: x.holder,
        groupId,
        direction: side,
        rule: widened,
        remote: remoteName(c, rule),
        replaces: x.rule,
      };
    }
  }
  return undefined;
}

const remoteName = (c: ChangeContext, rule: AwsRule): string => {
  if (rule.referencedGroupId === undefined) return (rule.cidrIpv4 ?? rule.cidrIpv6)!;
  return Object.entries(c.ids).find(([, id]) => id === rule.referencedGroupId)?.[0] ?? rule.referencedGroupId;
};

/** The rules to add: one per interval of blocked ports, on the flow's own end's group, naming the far end. */
function additions(
  c: ChangeContext,
  flow: ResolvedFlow,
  side: 'ingress' | 'egress',
  ports: readonly PortRange[],
): AwsRuleChange[] {
  const own = ownEnd(flow, side);
  const groupId = c.ids[own.name];
  const remote = remoteOf(remoteEnd(flow, side), c.ids);
  return ports.map((p) => {
    const rule: AwsRule = { ipProtocol: flow.protocol, fromPort: p.fromPort, toPort: p.toPort, ...remote };
    return { action: 'add', group: own.name, groupId, direction: side, rule, remote: remoteName(c, rule) };
  });
}

/** The change that admits the flow's packets `side` stops: a widening when one fits, else additions. */
function awsChanges(
  c: ChangeContext,
  flow: ResolvedFlow,
  side: 'ingress' | 'egress',
  missing: PacketSet,
): AwsRuleChange[] {
  const own = ownEnd(flow, side);
  // A peer's side is no group of the site: it filters nothing, so it stops nothing.
  if (own.kind !== 'group') return [];
  const holders = c.model.holders.filter(
    (h) => h === own.name || c.model.ctx.carriers.get(c.ids[h])?.includes(own.name),
  );
  // An ICMP flow is added whole, as EC2 writes it: FromPort the type, ToPort the code, -1 for all
  // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html).
  if (flow.icmp) {
    return additions(c, flow, side, [{ fromPort: flow.icmp.type ?? -1, toPort: flow.icmp.code ?? -1 }]);
  }
  return [
    widening(c, flow, side, missing, holders) ??
      additions(c, flow, side, portsOf(missing, protocolNumber(flow.protocol))),
  ].flat();
}

/**
 * Explains a pair of parties against deployed security groups (read as `verify aws` reads them):
 * per planned flow, what the groups stop and the rule changes that open exactly that.
 * @param groupIds the security group of each declared and role-wide group, by name
 * @throws ArgumentError as {@link verifyAwsSite} does, or for an unknown party
 */
export function explainAwsSite(
  r: Resolution,
  query: PairQuery,
  groupIds: Readonly<Record<string, string>>,
  groups: readonly DeployedGroup[],
  options: AwsSiteOptions = {},
): SiteAnswer<AwsRuleChange> {
  const model = awsSiteModel(r, groupIds, groups, options);
  const space = model.ctx.space;
  const admits = plannedAdmits(space, r, model.view.peerAddresses);
  const c: ChangeContext = { model, ids: groupIds, allowed: admits };
  return explainSite(r, query, 'aws', {
    space,
    view: model.view,
    planned: admits.planned,
    sets: model.sets,
    changes: (flow, side, missing) => awsChanges(c, flow, side, missing),
    // The rules that admit packets of the set beyond what the plan needs on their side.
    admitting: (set) =>
      model.rules
        .filter((x) => x.packets && !isEmpty(difference(intersection(x.packets, set), c.allowed[x.direction])))
        .map((x) => x.rule.ruleId ?? `${model.groups.get(x.holder)!.groupId} ${x.direction}`),
  });
}

/**
 * The site with the changes made: each `add` appended to its group, each `widen` replacing the rule
 * it names. For checking a suggestion by compiling the site again.
 */
export function applyAwsChanges(groups: readonly DeployedGroup[], changes: readonly AwsRuleChange[]): DeployedGroup[] {
  return groups.map((g) => {
    const mine = changes.filter((x) => x.groupId === g.groupId);
    const apply = (side: 'ingress' | 'egress') => {
      const rules: DeployedRule[] = [...g[side]];
      for (const x of mine.filter((y) => y.direction === side)) {
        if (x.action === 'add') rules.push(x.rule);
        else {
          // The rule as read: by its id where EC2 gave one, else by every field.
          const same = (r: DeployedRule) =>
            r.ruleId !== undefined ? r.ruleId === x.replaces?.ruleId : JSON.stringify(r) === JSON.stringify(x.replaces);
          const at = rules.findIndex(same);
          if (at >= 0) rules[at] = { ...x.rule, ...(rules[at].ruleId ? { ruleId: rules[at].ruleId } : {}) };
        }
      }
      return rules;
    };
    return { groupId: g.groupId, ingress: apply('ingress'), egress: apply('egress') };
  });
}
