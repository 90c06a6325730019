import fc from 'fast-check';
import {
  DeclarationError,
  PEER_KINDS,
  PRESETS,
  ROLE_IDS,
  SUM_PROFILES,
  roleProfiles,
  validate,
  type Declaration,
  type GroupDeclaration,
  type PeerDeclaration,
} from '../../lib/model';

/** The example deployments used across the tests: the package's presets. */
export const SERVERPROTECT: Declaration = PRESETS.serverprotect;
export const SMART_UPDATE_MANAGER: Declaration = PRESETS['smart-update-manager'];
export const SMART_UPDATE_MANAGER_7: Declaration = PRESETS['smart-update-manager-7'];

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const PEER_CIDR: Record<string, (i: number) => string> = {
  v4net: (i) => `10.9.${i}.0/24`,
  v4host: (i) => `10.9.${i}.10/32`,
  v6net: (i) => `2001:db8:9:${i}::/64`,
  v6host: (i) => `2001:db8:9:${i}::10/128`,
};

/** Random valid declarations: any roles of the chosen SUM profile (0-2 groups each), peers and options. */
export const validDeclaration: fc.Arbitrary<Declaration> = fc
  .record({
    counts: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: ROLE_IDS.length, maxLength: ROLE_IDS.length }),
    peerKinds: fc.subarray([...PEER_KINDS]),
    // IPv4 and IPv6, hosts and networks: each peer's address family decides which rules the clouds take.
    peerFamilies: fc.array(fc.constantFrom('v4net', 'v4host', 'v6net', 'v6host'), {
      minLength: PEER_KINDS.length,
      maxLength: PEER_KINDS.length,
    }),
    agent: fc.constantFrom('tmi' as const, 'mcp' as const),
    peerPorts: optional(fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 })),
    serverProtect: fc.record(
      {
        communication: fc.constantFrom('tcpip' as const, 'namedPipes' as const),
        localInstall: fc.boolean(),
        remoteInstall: fc.boolean(),
        consoleEventPort: fc.integer({ min: 1000, max: 1009 }),
        discoveryPort: fc.integer({ min: 3000, max: 3009 }),
        managementPort: fc.integer({ min: 5005, max: 5014 }),
      },
      { requiredKeys: [] },
    ),
    profile: fc.constantFrom(...SUM_PROFILES),
    sum: fc.record(
      {
        workstationOs: fc.constantFrom('windows' as const, 'linux' as const),
        concurrentTargets: fc.integer({ min: 1, max: 1000 }),
        netbiosNameService: fc.boolean(),
        webServerPort: fc.constantFrom(80, 63000, 63003, 63005),
        soapPortCount: fc.integer({ min: 1, max: 100 }),
      },
      { requiredKeys: [] },
    ),
    egress: fc.constantFrom('default' as const, 'restricted' as const),
  })
  .map(({ counts, peerKinds, peerFamilies, agent, peerPorts, serverProtect, profile, sum: sum5, egress }) => {
    // 7.x+ rejects the 5.x-only options, so it keeps only the workstation OS.
    const sum =
      profile === '5.x'
        ? { ...sum5, profile }
        : { profile, ...(sum5.workstationOs ? { workstationOs: sum5.workstationOs } : {}) };
    const groups: GroupDeclaration[] = [];
    ROLE_IDS.forEach((role, i) => {
      if (sum.workstationOs === 'linux' && role === 'sum:target:windows') return;
      if (!roleProfiles(role).includes(profile)) return;
      for (let n = 0; n < counts[i]; n++) groups.push({ name: `${role.replace(/:/g, '-')}-${n}`, role });
    });
    if (groups.length === 0) groups.push({ name: 'console', role: 'serverprotect:console' });
    const peers: PeerDeclaration[] = peerKinds.map((kind, i) => ({
      name: `peer-${kind}`,
      kind,
      cidr: PEER_CIDR[peerFamilies[i]](i),
      ...(peerPorts && kind !== 'control-manager' && kind !== 'administrators' ? { ports: peerPorts } : {}),
    }));
    const cm = peerKinds.includes('control-manager');
    return {
      groups,
      peers,
      serverProtect: { ...serverProtect, ...(cm ? { controlManagerAgent: agent } : {}) },
      sum,
      egress,
    };
  });

/** The problem lines of the DeclarationError a declaration gives (without the heading line); [] when valid. */
export function problemLines(declaration: unknown): string[] {
  try {
    validate(declaration);
  } catch (e) {
    if (e instanceof DeclarationError)
      return e.message
        .split('\n')
        .slice(1)
        .map((l) => l.trim());
    throw e;
  }
  return [];
}
