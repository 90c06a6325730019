import fc from 'fast-check';
import {
  DeclarationError,
  resolve,
  validate,
  type CatalogDeclaration,
  type GroupDeclaration,
  type ResolvedFlow,
} from '../../lib/model';
import { MIXED_GROUPS, REPO } from '../support/repo-catalog';

// Options a group sets for itself: rows and port rules read per pair of groups, errors per group.

const lines = (flows: readonly ResolvedFlow[]) =>
  flows.map((f) => `${f.from.name} > ${f.to.name} ${f.protocol} ${f.fromPort}-${f.toPort} ${f.rows.join(',')}`);

const problems = (d: CatalogDeclaration) => {
  try {
    validate(d, { catalogs: [REPO] });
  } catch (e) {
    if (e instanceof DeclarationError) return e.problems.map((p) => [p.path, p.value, p.message]);
    throw e;
  }
  throw new Error('no error');
};

describe('a group that sets options of its product for itself', () => {
  test('one Windows and one Linux server in one site: each gets its own rows, the Linux one its pinned port', () => {
    const r = resolve({ groups: MIXED_GROUPS }, { catalogs: [REPO] });
    expect(lines(r.flows)).toEqual([
      'clients > repo-lin tcp 22-22 REPO-L',
      'clients > repo-lin tcp 8085-8085 REPO-WEB',
      'clients > repo-win tcp 445-445 REPO-W',
      'clients > repo-win tcp 8080-8089 REPO-WEB',
    ]);
    // The normalized declaration keeps the group's options as given; the block has its defaults.
    expect(r.declaration.groups[1].options).toEqual({ os: 'linux', webPort: 8085 });
    expect((r.declaration as CatalogDeclaration).repo).toEqual({ os: 'windows' });
  });

  test("the declaration's block still decides for groups that set nothing", () => {
    const r = resolve({ groups: MIXED_GROUPS, repo: { os: 'linux' } }, { catalogs: [REPO] });
    expect(lines(r.flows)).toEqual([
      'clients > repo-lin tcp 22-22 REPO-L',
      'clients > repo-lin tcp 8085-8085 REPO-WEB',
      'clients > repo-win tcp 22-22 REPO-L',
      'clients > repo-win tcp 8080-8089 REPO-WEB',
    ]);
  });

  test('both ends setting an option: the row needs both to meet its condition; the port is the listener’s', () => {
    const groups: GroupDeclaration[] = [
      { name: 'srv', role: 'repo:server', options: { os: 'linux', webPort: 8081 } },
      { name: 'win-clients', role: 'repo:client', options: { os: 'windows', webPort: 8082 } },
      { name: 'lin-clients', role: 'repo:client', options: { os: 'linux' } },
    ];
    const r = resolve({ groups }, { catalogs: [REPO] });
    expect(lines(r.flows)).toEqual([
      'lin-clients > srv tcp 22-22 REPO-L',
      'lin-clients > srv tcp 8081-8081 REPO-WEB',
      'win-clients > srv tcp 8081-8081 REPO-WEB',
    ]);
  });

  // The flows to each server are the flows of a declaration with that server alone and its options
  // in the block: a group's own options read exactly as the block would for it.
  test('property: each server group resolves as if its options were the whole block', () => {
    const serverOptions = fc.record(
      {
        os: fc.constantFrom('windows', 'linux'),
        webPort: fc.constantFrom(8080, 8081, 8085, 8089),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(serverOptions, { minLength: 1, maxLength: 4 }), (options) => {
        const servers: GroupDeclaration[] = options.map((o, i) => ({ name: `s${i}`, role: 'repo:server', options: o }));
        const clients: GroupDeclaration = { name: 'clients', role: 'repo:client' };
        const mixed = resolve({ groups: [...servers, clients] }, { catalogs: [REPO] });
        servers.forEach((s, i) => {
          const alone = resolve(
            { groups: [{ name: s.name, role: s.role }, clients], repo: options[i] },
            { catalogs: [REPO] },
          );
          expect(lines(mixed.flows.filter((f) => f.to.name === s.name))).toEqual(lines(alone.flows));
        });
      }),
      { numRuns: 60 },
    );
  });

  test('an option its product does not have: the path, the value and the options it has', () => {
    expect(problems({ groups: [{ name: 'a', role: 'repo:server', options: { colour: 'red' } }] })).toEqual([
      [
        'groups[0].options.colour',
        'red',
        "is not an option of product repo, the role's product; its options: os, webPort",
      ],
    ]);
  });

  test("another product's option on a group: refused, named by the group's product", () => {
    const p = problems({
      groups: [
        { name: 'a', role: 'repo:server' },
        { name: 'b', role: 'sum:workstation', options: { os: 'linux' } },
      ],
    });
    expect(p).toEqual([
      [
        'groups[1].options.os',
        'linux',
        expect.stringMatching(
          /^is not an option of product sum, the role's product; its options: profile, workstationOs,/,
        ),
      ],
    ]);
  });

  test('a bad value: what the option allows', () => {
    expect(
      problems({
        groups: [{ name: 'a', role: 'repo:server', options: { os: 'mac', webPort: 9000 } }],
      }),
    ).toEqual([
      ['groups[0].options.os', 'mac', 'must be one of windows, linux'],
      ['groups[0].options.webPort', 9000, 'must be 8080 or one of its fallback ports 8081-8089'],
    ]);
  });

  test("an option that applies under another option's value only: read with the group's own options", () => {
    const g = (options: Record<string, string | number | boolean>): CatalogDeclaration => ({
      groups: [{ name: 'ws', role: 'sum:workstation', options }],
    });
    expect(problems(g({ profile: '7.x+', concurrentTargets: 4 }))).toEqual([
      ['groups[0].options.concurrentTargets', 4, 'applies to sum.profile 5.x only; the 7.x+ table has fixed ports'],
    ]);
    expect(() => validate(g({ concurrentTargets: 4 }))).not.toThrow();
  });

  test("a role's requirements read the group's own options", () => {
    const p = problems({ groups: [{ name: 'ilo', role: 'sum:target:ilo', options: { profile: '5.x' } }] });
    expect(p).toEqual([
      ['groups[0].role', 'sum:target:ilo', expect.stringMatching(/^exists only in the HP SUM 7\.x\+ table/)],
    ]);
    expect(() =>
      validate({ groups: [{ name: 'ilo', role: 'sum:target:ilo', options: { profile: '7.x+' } }] }),
    ).not.toThrow();
  });

  test('an option that needs a peer is set in the block only', () => {
    const p = problems({
      groups: [{ name: 'c', role: 'serverprotect:console', options: { controlManagerAgent: 'mcp' } }],
    });
    expect(p[0].slice(0, 2)).toEqual(['groups[0].options.controlManagerAgent', 'mcp']);
    expect(p[0][2]).toMatch(
      /^needs a control-manager peer: set it for the whole declaration, in serverProtect\.controlManagerAgent$/,
    );
  });

  test('options of the wrong shape: the shape check names them', () => {
    expect(problems({ groups: [{ name: 'a', role: 'repo:server', options: ['os'] }] } as never)[0][0]).toBe(
      'groups[0].options',
    );
    expect(problems({ groups: [{ name: 'a', role: 'repo:server', options: { 'o-s': 'linux' } }] })[0][0]).toBe(
      'groups[0].options.o-s',
    );
  });
});
