import { resolve, type Declaration, type PortRange } from '../../lib/spec';

/**
 * The host rules a role needs, counted from resolve() apart from the host adapter: one per distinct
 * (direction, remote, protocol, ports), inbound to the role's groups, outbound when egress is
 * restricted. `ports` writes a range the way the output under test does.
 */
export function expectedHostRules(d: Declaration, role: string, ports: (r: PortRange) => string): Set<string> {
  const r = resolve(d);
  const mine = new Set(r.declaration.groups.filter((g) => g.role === role).map((g) => g.name));
  const restricted = r.declaration.egress === 'restricted';
  const out = new Set<string>();
  for (const f of r.flows) {
    if (f.to.kind === 'group' && mine.has(f.to.name)) out.add(`in ${f.from.name} ${f.protocol} ${ports(f)}`);
    if (restricted && f.from.kind === 'group' && mine.has(f.from.name))
      out.add(`out ${f.to.name} ${f.protocol} ${ports(f)}`);
  }
  return out;
}
