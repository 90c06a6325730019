import fc from 'fast-check';
import { ArgumentError, explain, resolve, type Declaration, type ExplainQuery } from '../../lib/model';
import { SERVERPROTECT, SMART_UPDATE_MANAGER_7, validDeclaration } from '../support/declarations';
import { portProtocol } from '../support/protocol';

const q = (from: string, to: string, port: number, protocol: 'tcp' | 'udp' = 'tcp'): ExplainQuery => ({
  from,
  to,
  port,
  protocol,
});

describe('explain: why a port is open, or what would open it', () => {
  const installed: Declaration = { ...SERVERPROTECT, serverProtect: { localInstall: false, managementPort: 5005 } };

  // [case, declaration, query, allowed, rows behind it or rows that would open it, text one of them must contain]
  test.each<[string, Declaration, ExplainQuery, boolean, string[], RegExp]>([
    [
      'an open port names its row, condition and option',
      SERVERPROTECT,
      q('normal-servers', 'information-server', 3628),
      true,
      ['SP6'],
      /serverProtect\.communication/,
    ],
    [
      'a pinned port closes the rest of its range',
      installed,
      q('console', 'information-server', 5007),
      false,
      ['SP4', 'SP5'],
      /serverProtect\.managementPort unset or 5007/,
    ],
    [
      'a row whose condition is off',
      installed,
      q('normal-servers', 'information-server', 3000, 'udp'),
      false,
      ['SP2', 'SP3'],
      /local install of a normal server \(serverProtect\.localInstall\)/,
    ],
    [
      'another role opens it',
      SERVERPROTECT,
      q('console', 'information-server', 3628),
      false,
      ['SP6'],
      /from a group of role serverprotect:normal-server/,
    ],
    [
      'an address inside the administrators peer',
      SMART_UPDATE_MANAGER_7,
      q('192.168.50.7/32', 'workstation', 63002),
      true,
      ['SUM7-8'],
      /profile/,
    ],
    [
      'an address outside every peer',
      SMART_UPDATE_MANAGER_7,
      q('10.1.2.3/32', 'workstation', 63002),
      false,
      ['SUM7', 'SUM7-6', 'SUM7-7', 'SUM7-8'],
      /a peer of kind administrators whose cidr contains 10\.1\.2\.3\/32/,
    ],
    ['a port no row opens', SERVERPROTECT, q('normal-servers', 'information-server', 3389), false, [], /./],
  ])('%s', (_case, d, query, allowed, rows, text) => {
    const e = explain(resolve(d), query);
    expect(e.allowed).toBe(allowed);
    const reasons = allowed ? e.because : e.wouldOpen;
    expect(reasons.map((r) => r.id).sort()).toEqual([...rows].sort());
    if (rows.length) expect(JSON.stringify(reasons)).toMatch(text);
    if (allowed) expect(e.wouldOpen).toEqual([]);
    else expect(e.flows).toEqual([]);
  });

  test.each<[string, ExplainQuery, string]>([
    ['unknown listener', q('console', 'consoles', 1000), 'to'],
    ['a peer as listener', q('console', 'administrators', 1000), 'to'],
    ['neither a name nor a CIDR', q('bastion', 'console', 1000), 'from'],
    ['an unmasked range', q('10.0.0.7/24', 'console', 1000), 'from'],
    ['port out of range', q('information-server', 'console', 70000), 'port'],
  ])('%s is an ArgumentError naming the field', (_case, query, path) => {
    const r = resolve(SERVERPROTECT);
    let error: unknown;
    try {
      explain(r, query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error).toMatchObject({ code: 'ARGUMENT', path });
    expect((error as Error).message).toMatch(new RegExp(`^${path}: `));
  });

  test('every port of every flow is explained by exactly the rows of the flows that cover it; one past is not open from them', () => {
    fc.assert(
      fc.property(validDeclaration, fc.nat(), (d, pick) => {
        const r = resolve(d);
        const flows = r.flows.filter((f) => f.to.kind === 'group');
        if (!flows.length) return;
        const f = flows[pick % flows.length];
        const port = f.fromPort + (pick % (f.toPort - f.fromPort + 1));
        const covering = flows.filter(
          (g) =>
            g.from.name === f.from.name &&
            g.to.name === f.to.name &&
            g.protocol === f.protocol &&
            g.fromPort <= port &&
            port <= g.toPort,
        );
        const e = explain(r, q(f.from.name, f.to.name, port, portProtocol(f.protocol)));
        expect(e.allowed).toBe(true);
        expect(e.because.map((x) => x.id).sort()).toEqual([...new Set(covering.flatMap((g) => g.rows))].sort());
        // The port after the last covering flow's range is open only if another flow covers it.
        const next = Math.max(...covering.map((g) => g.toPort)) + 1;
        if (next <= 65535) {
          const open = flows.some(
            (g) =>
              g.from.name === f.from.name &&
              g.to.name === f.to.name &&
              g.protocol === f.protocol &&
              g.fromPort <= next &&
              next <= g.toPort,
          );
          expect(explain(r, q(f.from.name, f.to.name, next, portProtocol(f.protocol))).allowed).toBe(open);
        }
      }),
      { numRuns: 200 },
    );
  });
});
