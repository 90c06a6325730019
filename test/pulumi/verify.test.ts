import fc from 'fast-check';
import { AzureLimitError, planAzureRules, type AdditionalRule, type AzurePlanOptions } from '../../lib/pulumi';
import { evaluateFlow, type AzurePacket } from '../../lib/azure/evaluator';
import { validateSecurityRules } from '../../lib/azure/rules';
import { validDeclaration } from '../support/declarations';
import { BASTION, INTERNET, LOAD_BALANCER, NETWORK, armRules, world } from '../support/azure-network';

// Random declarations and adapter options, planned, then checked against Azure's documented rules:
// the ARM validator finds nothing, and the NSG evaluator (Azure's default rules included) allows
// every planned flow end to end and denies what the user asked to restrict.
const options = fc.record({
  deny: fc.boolean(),
  denyOut: fc.option(fc.boolean(), { nil: undefined }),
  loadBalancer: fc.boolean(),
  rdp: fc.boolean(),
  // The whole range (a created NSG) or a band of an existing NSG.
  band: fc.oneof(
    fc.constant({ from: 100, to: 4096 }),
    fc
      .integer({ min: 100, max: 3000 })
      .chain((from) => fc.integer({ min: from + 150, max: 4096 }).map((to) => ({ from, to }))),
  ),
});

const RDP = (group: string): AdditionalRule => ({
  name: 'allow-rdp-from-bastion',
  access: 'Allow',
  protocol: 'Tcp',
  source: { prefix: '10.40.250.0/26' },
  destination: { group },
  ports: [3389],
});

test('plan -> ARM validator has no finding -> evaluator: planned flows pass, the rest as Azure and the options say (fast-check)', () => {
  fc.assert(
    fc.property(validDeclaration, options, (declaration, o) => {
      const groupsOf = declaration.groups.map((g) => g.name);
      const opts: AzurePlanOptions = {
        band: o.band,
        denyOtherVnetTraffic: o.deny,
        denyOtherOutboundTraffic: o.denyOut,
        allowAzureLoadBalancer: o.loadBalancer,
        additionalRules: o.rdp ? [RDP(groupsOf[0])] : [],
      };
      let plan;
      try {
        plan = planAzureRules(declaration, opts);
      } catch (e) {
        // A narrow random band may be too small for a large declaration: that is the named limit error.
        if (e instanceof AzureLimitError) return;
        throw e;
      }
      const nsg = armRules(plan.rules);
      expect(validateSecurityRules(nsg)).toEqual([]);

      const { resolution } = plan;
      const w = world(resolution, nsg);
      const denyIn = o.deny;
      const denyOut = (o.denyOut ?? o.deny) && resolution.declaration.egress === 'restricted';

      // Every planned flow, at both ends of its port range, passes both NSGs.
      for (const f of resolution.flows) {
        for (const port of [f.fromPort, f.toPort]) {
          const packet: AzurePacket = { protocol: f.protocol === 'tcp' ? 'Tcp' : 'Udp', port };
          const v = evaluateFlow(NETWORK, w.endpoint(f.from, f.to), w.endpoint(f.to, f.from), packet);
          expect([f.from.name, f.to.name, f.protocol, port, v.allowed, v]).toEqual([
            f.from.name,
            f.to.name,
            f.protocol,
            port,
            true,
            v,
          ]);
        }
      }

      const covered = (from: string, to: string, protocol: string, port: number) =>
        resolution.flows.some(
          (f) =>
            f.from.name === from &&
            f.to.name === to &&
            f.protocol === protocol &&
            port >= f.fromPort &&
            port <= f.toPort,
        );
      for (const to of w.groups) {
        // Another port, from every group (including the same one): the VNet deny closes it; without
        // it Azure's AllowVnetInBound (65000) keeps the VNet open.
        for (const from of w.groups) {
          const port = [1, 7, 9, 2, 65535].find((p) => !covered(from, to, 'tcp', p))!;
          const v = evaluateFlow(NETWORK, w.nic(from, 4), w.nic(to, 4), { protocol: 'Tcp', port });
          expect([from, to, port, v.allowed]).toEqual([from, to, port, !denyIn && !denyOut]);
        }
        // The Internet: DenyAllInBound (65500) always, whatever the options.
        expect(
          evaluateFlow(NETWORK, w.outside(INTERNET.v4), w.nic(to, 4), { protocol: 'Tcp', port: 445 }).allowed,
        ).toBe(false);
        // A bastion in the VNet without an ASG: denied with the VNet deny, open through AllowVnetInBound
        // without it; RDP open when the additional rule names this group.
        const rdpHere = o.rdp && to === groupsOf[0];
        const rdp = evaluateFlow(NETWORK, w.outside(BASTION.v4), w.nic(to, 4), { protocol: 'Tcp', port: 3389 });
        expect([to, rdp.allowed]).toEqual([to, rdpHere || !denyIn]);
        expect(evaluateFlow(NETWORK, w.outside(BASTION.v4), w.nic(to, 4), { protocol: 'Tcp', port: 22 }).allowed).toBe(
          !denyIn,
        );
        // Azure Load Balancer probes (168.63.129.16): allowed unless the denies are on and the probe
        // allow is turned off.
        for (const port of [80, 5986]) {
          const probe = evaluateFlow(NETWORK, w.outside(LOAD_BALANCER), w.nic(to, 4), { protocol: 'Tcp', port });
          expect([to, port, probe.allowed]).toEqual([to, port, !(denyIn && !o.loadBalancer)]);
        }
        // Outbound to the Internet: closed by the outbound deny with restricted egress, else open by
        // Azure's AllowInternetOutBound (65001).
        expect([
          to,
          evaluateFlow(NETWORK, w.nic(to, 4), w.outside(INTERNET.v4), { protocol: 'Tcp', port: 443 }).allowed,
        ]).toEqual([to, !denyOut]);
        // Platform DNS at 168.63.129.16 is not subject to NSGs, even with the outbound deny.
        expect(
          evaluateFlow(NETWORK, w.nic(to, 4), w.outside(LOAD_BALANCER), { protocol: 'Udp', port: 53 }).allowed,
        ).toBe(true);
      }
    }),
    { numRuns: 150 },
  );
});
