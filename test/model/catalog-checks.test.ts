// The catalog loader's named checks, one block each: every check finds its own fault (path and
// message as users read them) and nothing in a good catalog; and loadCatalog() reports exactly the
// faults of the checks, in the order of the table.
import fc from 'fast-check';
import { CatalogError, loadCatalog, type CatalogDefinition } from '../../lib/model';
import {
  CATALOG_CHECKS,
  checkBroadcastIds,
  checkCondition,
  checkContext,
  checkDocumentSources,
  checkFlowBroadcast,
  checkFlowHasGroup,
  checkFlowPeerKinds,
  checkFlowPeerPorts,
  checkFlowPortOptions,
  checkOptionDefinitions,
  checkOptionsField,
  checkRoleIds,
  checkRoleRequirements,
  checkRows,
  checkUniqueIds,
  type CatalogCheck,
  type CheckContext,
  type FlowCheck,
} from '../../lib/model/catalog-checks';
import { pathText } from '../../lib/model/problems';

// The catalog as plain, freely changeable data (each call a fresh copy).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = any;

// A small good catalog: two roles, a peer kind, a broadcast, options of each kind, two rows.
const relay = (): Data => ({
  product: { id: 'relay', name: 'Mail relay 1.0' },
  documents: [{ id: 'notes', title: 'Relay notes', url: 'https://example.com/relay' }],
  roles: [
    { id: 'relay:server', label: 'mail relay', hostOs: ['linux'] },
    { id: 'relay:admin', label: 'relay admin', hostOs: ['linux'] },
  ],
  peerKinds: [{ id: 'relay-upstream', label: 'upstream mail server' }],
  broadcasts: [{ id: 'relay-announce', message: 'relays announce themselves by broadcast' }],
  options: [
    { name: 'mode', type: 'choice', values: ['a', 'b'], default: 'a', description: 'the mode' },
    { name: 'workers', type: 'count', min: 1, max: 8, default: 2, description: 'workers' },
    { name: 'adminPort', type: 'pinnedPort', base: 8080, fallback: [8081, 8089], description: 'admin port' },
  ],
  rows: [
    {
      id: 'RELAY1',
      purpose: 'relay to upstream',
      condition: 'always',
      citation: { document: 'notes' },
      flows: [
        {
          listener: { peer: 'relay-upstream' },
          initiator: { roles: ['relay:server'] },
          protocol: 'tcp',
          ports: { kind: 'peer', defaults: [25] },
        },
      ],
    },
    {
      id: 'RELAY2',
      purpose: 'administration',
      condition: 'mode b',
      when: { mode: 'b' },
      citation: { document: 'notes' },
      flows: [
        {
          listener: { roles: ['relay:server'] },
          initiator: { roles: ['relay:admin'] },
          protocol: 'tcp',
          ports: { kind: 'fallback', pin: 'adminPort' },
        },
        {
          listener: { roles: ['relay:server'] },
          initiator: { roles: ['relay:admin'] },
          protocol: 'udp',
          ports: { kind: 'counted', base: 9000, count: 'workers' },
          broadcast: 'relay-announce',
        },
      ],
    },
  ],
});

type Found = { path: string; message: string; hint?: string };

/** The context of a catalog, and the faults it records. */
function context(catalog: Data): { ctx: CheckContext; found: Found[] } {
  const found: Found[] = [];
  const ctx = checkContext(catalog as CatalogDefinition, (path, message, hint) =>
    found.push({ path: pathText(path, '(catalog)'), message, ...(hint ? { hint } : {}) }),
  );
  return { ctx, found };
}

/** The faults one catalog check finds. */
function faults(check: CatalogCheck, catalog: Data): Found[] {
  const { ctx, found } = context(catalog);
  check(ctx);
  return found;
}

/** The faults loadCatalog() reports, without hints. */
function loadFaults(catalog: Data): Found[] {
  try {
    loadCatalog(catalog, 'relay.yaml');
    return [];
  } catch (e) {
    if (!(e instanceof CatalogError)) throw e;
    return e.problems.map((p) => ({ path: p.path, message: p.message, ...(p.hint ? { hint: p.hint } : {}) }));
  }
}

test('the good catalog loads, and no check finds a fault in it', () => {
  expect(() => loadCatalog(relay())).not.toThrow();
  for (const [name, check] of CATALOG_CHECKS) expect([name, faults(check, relay())]).toEqual([name, []]);
});

describe('checkOptionsField', () => {
  it('refuses a declaration field as the options field', () => {
    const c = relay();
    c.product.optionsField = 'groups';
    expect(faults(checkOptionsField, c)).toEqual([
      {
        path: 'product.optionsField',
        message: 'names the options field groups, a field of every declaration; choose another',
      },
    ]);
  });
  it('refuses a product id that makes a name every object has', () => {
    const c = relay();
    c.product.id = 'constructor';
    expect(faults(checkOptionsField, c)).toEqual([
      {
        path: 'product.id',
        message:
          'makes the options field constructor, a name every JavaScript object already has; set product.optionsField to another name',
      },
    ]);
  });
});

describe('checkUniqueIds', () => {
  it('names the second of two equal ids and the first one', () => {
    const c = relay();
    c.roles[1].id = 'relay:server';
    c.options[1].name = 'mode';
    expect(faults(checkUniqueIds, c)).toEqual([
      { path: 'roles[1].id', message: 'duplicate; roles[0] already uses it' },
      { path: 'options[1].name', message: 'duplicate; options[0] already uses it' },
    ]);
  });
});

describe('checkDocumentSources', () => {
  it('needs a url or a reference', () => {
    const c = relay();
    delete c.documents[0].url;
    expect(faults(checkDocumentSources, c)).toEqual([
      { path: 'documents[0]', message: 'needs a url or a reference (where to read the copy the rows cite)' },
    ]);
    c.documents[0].reference = 'the relay manual, chapter 2';
    expect(faults(checkDocumentSources, c)).toEqual([]);
  });
});

describe('checkRoleIds', () => {
  it("keeps roles in the product's namespace, with the id meant", () => {
    const c = relay();
    c.roles[0].id = 'rely:server';
    expect(faults(checkRoleIds, c)).toEqual([
      {
        path: 'roles[0].id',
        message: "must be in the product's namespace: start with relay:",
        hint: 'did you mean "relay:server"?',
      },
    ]);
  });
  it('keeps a role id within a tag value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), (n) => {
        const c = relay();
        c.roles[0].id = `relay:${'x'.repeat(n)}`;
        const found = faults(checkRoleIds, c);
        expect(found.length).toBe(c.roles[0].id.length > 256 ? 1 : 0);
        if (found.length) expect(found[0].message).toMatch(/^must be at most 256 characters \(it has \d+\)/);
      }),
      { numRuns: 50 },
    );
  });
});

describe('checkBroadcastIds', () => {
  it('refuses the built-in broadcast id', () => {
    const c = relay();
    c.broadcasts[0].id = 'netbios';
    expect(faults(checkBroadcastIds, c)).toEqual([
      { path: 'broadcasts[0].id', message: 'must not be netbios: it is built in, and flows name it as it is' },
    ]);
  });
});

describe('checkCondition', () => {
  it('refuses the option itself, an unknown option (the key as value) and a value the option does not take', () => {
    const { ctx, found } = context(relay());
    checkCondition(ctx, { workers: 2, mood: 'a', mode: ['a', 'c'] }, ['options', 1, 'when'], 'workers');
    expect(found).toEqual([
      {
        path: 'options[1].when.workers',
        message: 'must not be the option itself: name the options that allow workers',
      },
      {
        path: 'options[1].when.mood',
        message: 'must name an option of the product: mode, adminPort',
        hint: 'did you mean "mode"?',
      },
      { path: 'options[1].when.mode[1]', message: 'must be one of a, b (the values of option mode)' },
    ]);
  });
});

describe('checkOptionDefinitions', () => {
  it("refuses a choice's default outside its values, count bounds upside down, a fallback range backwards", () => {
    const c = relay();
    c.options[0].default = 'c';
    c.options[1].min = 9;
    c.options[2].fallback = [8089, 8081];
    expect(faults(checkOptionDefinitions, c)).toEqual([
      { path: 'options[0].default', message: "must be one of the option's values: a, b" },
      { path: 'options[1].min', message: 'must not be above max (8)' },
      { path: 'options[2].fallback', message: 'must be [first, last] with first not above last' },
    ]);
  });
  it('needs requiresPeer to name an own peer kind, with no default', () => {
    const c = relay();
    c.options[0].requiresPeer = 'relay-upstreams';
    expect(faults(checkOptionDefinitions, c)).toEqual([
      {
        path: 'options[0].requiresPeer',
        message: "must be one of the catalog's own peerKinds: relay-upstream",
        hint: 'did you mean "relay-upstream"?',
      },
      {
        path: 'options[0].default',
        message: 'must be left out with requiresPeer: unset means no relay-upstreams peer',
      },
    ]);
  });
});

describe('checkRoleRequirements', () => {
  it("checks each requirement's condition", () => {
    const c = relay();
    c.roles[1].requires = [
      { when: { mode: 'b' }, message: 'needs mode b' },
      { when: { workers: 0 }, message: 'needs no workers' },
    ];
    expect(faults(checkRoleRequirements, c)).toEqual([
      {
        path: 'roles[1].requires[1].when.workers',
        message: 'must be a whole number from 1 to 8 (the values of option workers)',
      },
    ]);
  });
});

describe('checkRows', () => {
  it("checks each row's condition and citation, then its flows", () => {
    const c = relay();
    c.rows[1].when = { mode: 'c' };
    c.rows[1].citation.document = 'note';
    c.rows[1].flows[1].broadcast = 'relay-anounce';
    expect(faults(checkRows, c)).toEqual([
      { path: 'rows[1].when.mode', message: 'must be one of a, b (the values of option mode)' },
      {
        path: 'rows[1].citation.document',
        message: 'must be the id of one of documents: notes',
        hint: 'did you mean "notes"?',
      },
      {
        path: 'rows[1].flows[1].broadcast',
        message: 'must be netbios or one of broadcasts: relay-announce',
        hint: 'did you mean "relay-announce"?',
      },
    ]);
  });
});

/** The faults one flow check finds on flow `j` of row `i`. */
function flowFaults(check: FlowCheck, c: Data, i: number, j: number): Found[] {
  const { ctx, found } = context(c);
  check(ctx, c.rows[i].flows[j], ['rows', i, 'flows', j]);
  return found;
}

describe('checkFlowPeerKinds', () => {
  it("needs the catalog's own peer kinds", () => {
    const c = relay();
    c.rows[0].flows[0].listener = { peer: 'upstream' };
    expect(flowFaults(checkFlowPeerKinds, c, 0, 0)).toEqual([
      {
        path: 'rows[0].flows[0].listener.peer',
        message:
          "must be one of the catalog's own peerKinds: relay-upstream, or another product's as <product id>:<kind>",
      },
    ]);
  });
});

describe('checkFlowHasGroup', () => {
  it('refuses a flow between two peers', () => {
    const c = relay();
    c.rows[0].flows[0].initiator = { peer: 'relay-upstream' };
    expect(flowFaults(checkFlowHasGroup, c, 0, 0)).toEqual([
      {
        path: 'rows[0].flows[0].initiator',
        message: 'must be { roles: [role ids] }: the listener is a peer, and a flow needs a group',
      },
    ]);
  });
});

describe('checkFlowPeerPorts', () => {
  it('refuses peer ports with no peer on either side', () => {
    const c = relay();
    c.rows[1].flows[0].ports = { kind: 'peer', defaults: [25] };
    expect(flowFaults(checkFlowPeerPorts, c, 1, 0)).toEqual([
      {
        path: 'rows[1].flows[0].ports.kind',
        message:
          'must not be peer here: peer ports are the ports a peer of the flow names, and neither side is a peer; use fixed',
      },
    ]);
  });
});

describe('checkFlowPortOptions', () => {
  it('needs a pinnedPort option for fallback ports and a count option for counted ones', () => {
    const c = relay();
    c.rows[1].flows[0].ports.pin = 'workers';
    c.rows[1].flows[1].ports.count = 'adminPort';
    expect([...flowFaults(checkFlowPortOptions, c, 1, 0), ...flowFaults(checkFlowPortOptions, c, 1, 1)]).toEqual([
      { path: 'rows[1].flows[0].ports.pin', message: 'must name a pinnedPort option of the product: adminPort' },
      {
        path: 'rows[1].flows[1].ports.count',
        message: 'must name a count option of the product: workers',
      },
    ]);
  });
  it('keeps a counted range within 65535 at the count at its max, exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), (base) => {
        const c = relay();
        c.rows[1].flows[1].ports.base = base;
        const found = flowFaults(checkFlowPortOptions, c, 1, 1);
        expect(found).toEqual(
          base + 8 - 1 > 65535
            ? [
                {
                  path: 'rows[1].flows[1].ports.base',
                  message: 'must be at most 65528: with workers at its max of 8, the ports would run past 65535',
                },
              ]
            : [],
        );
      }),
    );
  });
});

describe('checkFlowBroadcast', () => {
  it('needs netbios or a broadcast of the catalog', () => {
    const c = relay();
    c.rows[1].flows[1].broadcast = 'netbios';
    expect(flowFaults(checkFlowBroadcast, c, 1, 1)).toEqual([]);
    c.rows[1].flows[1].broadcast = 'mdns';
    expect(flowFaults(checkFlowBroadcast, c, 1, 1)).toEqual([
      { path: 'rows[1].flows[1].broadcast', message: 'must be netbios or one of broadcasts: relay-announce' },
    ]);
  });
});

// Faults of every check, each a change to the good catalog that keeps its shape.
const BREAKS: readonly ((c: Data) => void)[] = [
  (c) => (c.product.optionsField = 'peers'),
  (c) => (c.roles[1].id = 'relay:server'),
  (c) => delete c.documents[0].url,
  (c) => (c.roles[0].id = 'mail:server'),
  (c) => (c.broadcasts[0].id = 'netbios'),
  (c) => (c.options[1].min = 9),
  (c) => (c.roles[0].requires = [{ when: { mode: 'z' }, message: 'needs mode z' }]),
  (c) => (c.rows[0].citation.document = 'nope'),
  (c) => (c.rows[1].flows[0].ports.pin = 'mode'),
  (c) => (c.rows[1].flows[1].broadcast = 'nope'),
];

test.each([...BREAKS.keys()])('break %i alone is a fault loadCatalog reports', (i) => {
  const c = relay();
  BREAKS[i](c);
  expect(loadFaults(c).length).toBeGreaterThan(0);
});

test('loadCatalog reports exactly the faults of its checks, in the order of the table', () => {
  fc.assert(
    fc.property(fc.subarray([...BREAKS.keys()]), (picked) => {
      const c = relay();
      for (const i of picked) BREAKS[i](c);
      const expected = CATALOG_CHECKS.flatMap(([, check]) => faults(check, c));
      expect(loadFaults(c)).toEqual(expected);
    }),
    { numRuns: 60 },
  );
});
