import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { resolve, type Declaration, type PortRange } from '../../lib/model';

/**
 * `nft -c -f <path>`: nft's own check of a ruleset file, changing nothing. It needs CAP_NET_ADMIN; an
 * unprivileged user gets it in a user and network namespace.
 */
export function nftCheck(nft: string, path: string): SpawnSyncReturns<string> {
  const direct = spawnSync(nft, ['-c', '-f', path], { encoding: 'utf8' });
  if (!/Operation not permitted/.test(direct.stderr)) return direct;
  return spawnSync('unshare', ['-rn', nft, '-c', '-f', path], { encoding: 'utf8' });
}

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
