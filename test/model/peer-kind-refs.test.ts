import {
  CatalogError,
  catalogSet,
  defineCatalog,
  loadCatalog,
  resolve,
  type CatalogDefinition,
  type ResolvedFlow,
} from '../../lib/model';
import { SHOP } from '../support/shop-catalog';

// A catalog that reaches another catalog's peer kind, named `<product id>:<kind>`: ServerProtect's
// `mail` from a user's notifier, checked once the catalogs form a set.

const notifier = (peer: string): CatalogDefinition => ({
  product: { id: 'notify', name: 'Example notifier 1.0' },
  documents: [{ id: 'note', title: 'Notifier design note', reference: 'notify-1' }],
  roles: [{ id: 'notify:server', label: 'Notifier', hostOs: ['linux'] }],
  rows: [
    {
      id: 'NOTIFY1',
      purpose: 'notifier to the mail server',
      condition: 'always',
      citation: { document: 'note' },
      flows: [
        {
          listener: { peer },
          initiator: { roles: ['notify:server'] },
          protocol: 'tcp',
          ports: { kind: 'peer', defaults: [25] },
        },
      ],
    },
  ],
});

const lines = (flows: readonly ResolvedFlow[]) =>
  flows.map((f) => `${f.from.name} > ${f.to.name} ${f.fromPort}-${f.toPort} ${f.rows.join(',')}`);

test("ServerProtect's mail peer kind, reached from a user's catalog: one peer kind, the peer's own ports", () => {
  const catalog = defineCatalog(notifier('serverprotect:mail'));
  expect(catalog.rows[0].flows[0].listener).toEqual({ peer: 'mail' });
  const d = {
    groups: [{ name: 'notifier', role: 'notify:server' }],
    peers: [{ name: 'smtp', kind: 'mail', cidr: '10.0.9.10/32', ports: [587] }],
  };
  const r = resolve(d, { catalogs: [catalog] });
  expect(lines(r.flows)).toEqual(['notifier > smtp 587-587 NOTIFY1']);
  expect(r.warnings.map((w) => w.code)).toEqual([]);
});

test('a product no catalog in use has: refused when the set is formed, naming the products in use', () => {
  const ghost = loadCatalog(notifier('shop:shop-payment-gateway'), 'notify.yaml');
  expect(() => catalogSet([ghost])).toThrow(CatalogError);
  expect(() => catalogSet([ghost])).toThrow(
    'invalid portplan catalog notify.yaml:\n  rows[0].flows[0].listener.peer: names a peer kind of product shop, which no ' +
      'catalog in use has: pass its catalog (catalogs, --catalog); products in use: serverprotect, sum, notify ' +
      '(got "shop:shop-payment-gateway")',
  );
  // With the shop's catalog in the set, the reference holds.
  expect(() => catalogSet([SHOP, ghost])).not.toThrow();
});

test('a kind the other product does not have: its kinds, and the near one', () => {
  const typo = loadCatalog(notifier('serverprotect:mial'), 'notify.yaml');
  expect(() => catalogSet([typo])).toThrow(
    /rows\[0\]\.flows\[0\]\.listener\.peer: must be a peer kind of product serverprotect: control-manager, update-source, mail, snmp \(got "serverprotect:mial"\); did you mean "mail"\?/,
  );
});

test("the catalog's own product named: its own kinds, as without the prefix", () => {
  const own = { ...notifier('notify:mail'), peerKinds: [{ id: 'relay', label: 'Mail relay' }] };
  expect(() => loadCatalog(own, 'notify.yaml')).toThrow(
    /rows\[0\]\.flows\[0\]\.listener\.peer: must be one of the catalog's own peerKinds: relay, or another product's as <product id>:<kind> \(got "notify:mail"\)/,
  );
  expect(() => loadCatalog(notifier('a:b:c'), 'notify.yaml')).toThrow(
    /listener\.peer: must be a peer kind id, or a product id/,
  );
});
