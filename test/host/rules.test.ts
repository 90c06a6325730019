import {
  HostAddressRequiredError,
  HostFirewallError,
  hostFirewall,
  hostRules,
  parseAddresses,
  planHost,
} from '../../lib/host';
import { PRESETS, PortplanError, placeRules, resolve } from '../../lib/model';

// The adapter as a library: errors of the project's one family, rules from the spec's placement.
const sp = resolve({ ...PRESETS.serverprotect, egress: 'restricted' });

describe('host firewall errors are PortplanErrors naming the option and the value', () => {
  const consoleHost = { role: 'serverprotect:console', os: 'windows' } as const;
  const BAD = 'console=10.0.0.1/8';
  const nftablesOnWindows = { ...consoleHost, format: 'nftables' };
  test.each<[string, () => unknown, string, string, unknown]>([
    ['unknown role', () => hostFirewall(sp, { ...consoleHost, role: 'console' }), 'HOST_FIREWALL', '--role', 'console'],
    ['wrong OS', () => hostFirewall(sp, { ...consoleHost, os: 'linux' }), 'HOST_FIREWALL', '--os', 'linux'],
    ['bad address', () => parseAddresses([BAD], sp), 'HOST_FIREWALL', '--address', BAD],
    ['bad format', () => hostFirewall(sp, nftablesOnWindows), 'HOST_FIREWALL', '--format', 'nftables'],
    ['no address', () => hostFirewall(sp, consoleHost), 'HOST_ADDRESS_REQUIRED', '--address', ['information-server']],
  ])('%s', (_name, call, code, path, value) => {
    let caught: unknown;
    try {
      call();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PortplanError);
    expect(caught).toBeInstanceOf(HostFirewallError);
    expect(caught).toMatchObject({ code, path, value });
  });

  test('the no-address refusal lists the groups for programs', () => {
    const call = () => hostFirewall(sp, { role: 'serverprotect:normal-server', os: 'windows' });
    expect(call).toThrow(HostAddressRequiredError);
  });
});

describe('rules follow the spec placement', () => {
  test.each(['serverprotect:console', 'serverprotect:information-server', 'serverprotect:normal-server'] as const)(
    '%s: every placed rule of the role is one host rule, and nothing else',
    (role) => {
      const h = planHost(sp, { role, os: 'windows' });
      const placed = placeRules(sp).filter((p) => p.group.role === role);
      type Ports = { protocol: string; fromPort: number; toPort: number };
      const key = (d: string, remote: string, f: Ports) => `${d} ${remote} ${f.protocol} ${f.fromPort}-${f.toPort}`;
      const want = new Set(placed.map((p) => key(p.direction, p.remote.name, p.flow)));
      expect(new Set(h.rules.map((x) => key(x.direction, x.remote.name, x)))).toEqual(want);
      expect(h.rules.length).toBe(new Set(h.rules.map((x) => key(x.direction, x.remote.name, x))).size);
    },
  );

  test("a peer's rules carry the CIDR its endpoint carries", () => {
    const peers = [{ name: 'tmcm', kind: 'control-manager', cidr: '10.0.9.0/28' }] as const;
    const r = resolve({ ...PRESETS.serverprotect, peers: [...peers], serverProtect: { controlManagerAgent: 'tmi' } });
    const h = planHost(r, { role: 'serverprotect:information-server', os: 'windows' });
    const peer = h.rules.filter((x) => x.remote.kind === 'peer');
    expect(peer.length).toBeGreaterThan(0);
    for (const x of peer) expect(x.addresses).toEqual(['10.0.9.0/28']);
  });
});

describe('planHost', () => {
  const addresses = { console: ['10.0.1.0/24'], 'information-server': ['10.0.2.0/24', '2001:db8::/64'] };
  test.each(['serverprotect:console', 'serverprotect:information-server', 'serverprotect:normal-server'] as const)(
    '%s: the groups given addresses are addressed, the others listed as unaddressed; hostRules (deprecated) agrees',
    (role) => {
      const h = planHost(sp, { role, os: 'windows', addresses });
      expect(hostRules(sp, role, 'windows', addresses)).toEqual(h);
      for (const x of h.rules.filter((y) => y.remote.kind === 'group')) {
        expect(x.addresses).toEqual(addresses[x.remote.name as keyof typeof addresses] ?? []);
      }
      const remotes = new Set(h.rules.filter((y) => y.remote.kind === 'group').map((y) => y.remote.name));
      expect(h.unaddressed).toEqual([...remotes].filter((n) => !(n in addresses)).sort());
    },
  );
});
