import { Template } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { PortPlan } from '../../lib/cdk';
import { planAzure } from '../../lib/azure/plan';
import { planHost } from '../../lib/host';
import { CatalogError, defineCatalog, resolve, type CatalogDefinition, type ResolvedFlow } from '../../lib/model';
import { expectedRules, templateRules, testStack } from '../support/cdk';

// A flow either side may open (`direction: both`): the row resolves into both directed flows, each
// citing the row, and every target's rules follow from those flows.

type Flow = CatalogDefinition['rows'][number]['flows'][number];

const mesh = (flows: Flow[]): CatalogDefinition => ({
  product: { id: 'mesh', name: 'Example mesh 1.0' },
  documents: [{ id: 'note', title: 'Mesh design note', reference: 'mesh-1' }],
  roles: [
    { id: 'mesh:node', label: 'Mesh node', hostOs: ['linux'] },
    { id: 'mesh:edge', label: 'Mesh edge', hostOs: ['linux'] },
  ],
  options: [{ name: 'gossipPorts', type: 'count', min: 1, max: 8, default: 2, description: 'Gossip ports.' }],
  rows: [
    { id: 'MESH1', purpose: 'node and edge sync', condition: 'always', citation: { document: 'note' }, flows },
    {
      id: 'MESH2',
      purpose: 'edge to node API',
      condition: 'always',
      citation: { document: 'note' },
      flows: [
        {
          listener: { roles: ['mesh:node'] },
          initiator: { roles: ['mesh:edge'] },
          protocol: 'tcp',
          ports: { kind: 'fixed', ports: [7443] },
        },
      ],
    },
  ],
});

const SYNC: Flow = {
  listener: { roles: ['mesh:node'] },
  initiator: { roles: ['mesh:edge'] },
  protocol: 'tcp',
  ports: { kind: 'counted', base: 7000, count: 'gossipPorts' },
  direction: 'both',
};
const BOTH = defineCatalog(mesh([SYNC]));
const GROUPS = [
  { name: 'nodes', role: 'mesh:node', options: { gossipPorts: 3 } },
  { name: 'edges', role: 'mesh:edge', options: { gossipPorts: 1 } },
];
const lines = (flows: readonly ResolvedFlow[]) =>
  flows.map((f) => `${f.from.name} > ${f.to.name} ${f.protocol} ${f.fromPort}-${f.toPort} ${f.rows.join(',')}`);

test('resolve: both directed flows, each citing the row; each listener reads its own count', () => {
  const r = resolve({ groups: GROUPS }, { catalogs: [BOTH] });
  expect(lines(r.flows)).toEqual([
    'nodes > edges tcp 7000-7000 MESH1',
    'edges > nodes tcp 7000-7002 MESH1',
    'edges > nodes tcp 7443-7443 MESH2',
  ]);
});

test('property: `both` resolves as the flow written twice, once each way, in the same row', () => {
  const reversed: Flow = { ...SYNC, listener: SYNC.initiator, initiator: SYNC.listener, direction: undefined };
  const twice = defineCatalog(mesh([{ ...SYNC, direction: 'one-way' }, reversed]));
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          role: fc.constantFrom('mesh:node', 'mesh:edge'),
          count: fc.option(fc.integer({ min: 1, max: 8 })),
        }),
        {
          minLength: 1,
          maxLength: 5,
        },
      ),
      fc.constantFrom('default', 'restricted'),
      (gs, egress) => {
        const groups = gs.map((g, i) => ({
          name: `g${i}`,
          role: g.role,
          ...(g.count === null ? {} : { options: { gossipPorts: g.count } }),
        }));
        const d = { groups, egress: egress as 'default' | 'restricted' };
        expect(lines(resolve(d, { catalogs: [BOTH] }).flows)).toEqual(lines(resolve(d, { catalogs: [twice] }).flows));
      },
    ),
    { numRuns: 50 },
  );
});

test('AWS: one ingress rule per directed flow, and the egress rules under restricted egress, each citing its row', () => {
  const { stack, vpc } = testStack();
  const plan = new PortPlan(stack, 'Plan', {
    vpc,
    declaration: { groups: GROUPS, egress: 'restricted' },
    catalogs: [BOTH],
  });
  const template = Template.fromStack(stack);
  expect(templateRules(template, plan)).toEqual(expectedRules(plan));
  const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'));
  const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'));
  const described = (rs: typeof ingress) => rs.map((x) => (x.Properties as { Description: string }).Description).sort();
  expect(described(ingress)).toEqual([
    'MESH1: node and edge sync',
    'MESH1: node and edge sync',
    'MESH2: edge to node API',
  ]);
  expect(described(egress)).toEqual(described(ingress));
});

test('Azure and the host firewall: the same directed flows', () => {
  const r = resolve({ groups: GROUPS }, { catalogs: [BOTH] });
  const azure = planAzure(r, { band: { from: 100, to: 4096 }, denyOtherVnetTraffic: false }).rules.filter(
    (x) => x.origin === 'flow',
  );
  expect(
    azure
      .map(
        (x) =>
          `${JSON.stringify(x.source)} > ${JSON.stringify(x.destination)} ${x.ports.join(',')} ${x.rows.join(',')}`,
      )
      .sort(),
  ).toEqual([
    '{"group":"edges"} > {"group":"nodes"} 7000-7002,7443 MESH1,MESH2',
    '{"group":"nodes"} > {"group":"edges"} 7000 MESH1',
  ]);
  const edge = planHost(r, { role: 'mesh:edge', os: 'linux' });
  expect(
    edge.rules.map((x) => `${x.direction} ${x.remote.name} ${x.fromPort}-${x.toPort} ${x.rows.join(',')}`),
  ).toEqual(['inbound nodes 7000-7000 MESH1']);
});

test('a direction other than one-way or both: refused with what is allowed', () => {
  expect(() => defineCatalog(mesh([{ ...SYNC, direction: 'either' as never }]))).toThrow(CatalogError);
  expect(() => defineCatalog(mesh([{ ...SYNC, direction: 'either' as never }]))).toThrow(
    /rows\[0\]\.flows\[0\]\.direction: must be one of one-way, both \(got "either"\)/,
  );
});
