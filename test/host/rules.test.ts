import { HostAddressRequiredError, HostFirewallError, hostFirewall, hostRules, parseAddresses } from '../../lib/host';
import { PRESETS, PortplanError, placeRules, resolve } from '../../lib/spec';

// The adapter as a library: errors of the project's one family, rules from the spec's placement.
const sp = resolve({ ...PRESETS.serverprotect, egress: 'restricted' });

describe('host firewall errors are PortplanErrors naming the option and the value', () => {
  test.each<[string, () => unknown, string, string, unknown]>([
    ['unknown role', () => hostFirewall(sp, { role: 'console', os: 'windows' }), 'HOST_FIREWALL', '--role', 'console'],
    ['wrong OS', () => hostFirewall(sp, { role: 'serverprotect:console', os: 'linux' }), 'HOST_FIREWALL', '--os', 'linux'],
    ['bad address', () => parseAddresses(['console=10.0.0.1/8'], sp), 'HOST_FIREWALL', '--address', 'console=10.0.0.1/8'],
    ['bad format', () => hostFirewall(sp, { role: 'serverprotect:console', os: 'windows', format: 'nftables' }), 'HOST_FIREWALL', '--format', 'nftables'],
    ['no address', () => hostFirewall(sp, { role: 'serverprotect:console', os: 'windows' }), 'HOST_ADDRESS_REQUIRED', '--address', ['information-server']],
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
    expect(() => hostFirewall(sp, { role: 'serverprotect:normal-server', os: 'windows' })).toThrow(HostAddressRequiredError);
  });
});

describe('rules follow the spec placement', () => {
  test.each(['serverprotect:console', 'serverprotect:information-server', 'serverprotect:normal-server'] as const)(
    '%s: every placed rule of the role is one host rule, and nothing else',
    (role) => {
      const h = hostRules(sp, role, 'windows', {});
      const placed = placeRules(sp).filter((p) => p.group.role === role);
      const key = (d: string, remote: string, f: { protocol: string; fromPort: number; toPort: number }) => `${d} ${remote} ${f.protocol} ${f.fromPort}-${f.toPort}`;
      expect(new Set(h.rules.map((x) => key(x.direction, x.remote.name, x)))).toEqual(new Set(placed.map((p) => key(p.direction, p.remote.name, p.flow))));
      expect(h.rules.length).toBe(new Set(h.rules.map((x) => key(x.direction, x.remote.name, x))).size);
    },
  );

  test("a peer's rules carry the CIDR its endpoint carries", () => {
    const r = resolve({ ...PRESETS.serverprotect, peers: [{ name: 'tmcm', kind: 'control-manager', cidr: '10.0.9.0/28' }], serverProtect: { controlManagerAgent: 'tmi' } });
    const h = hostRules(r, 'serverprotect:information-server', 'windows', {});
    const peer = h.rules.filter((x) => x.remote.kind === 'peer');
    expect(peer.length).toBeGreaterThan(0);
    for (const x of peer) expect(x.addresses).toEqual(['10.0.9.0/28']);
  });
});
