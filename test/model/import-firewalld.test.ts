// firewalld service files as a catalog, on files written here: each thing a catalog cannot say is
// refused with its reason, includes are resolved (cycles, missing and refused ones refused), the
// XML subset is read strictly, and service names become ids by one injective scheme.
import fc from 'fast-check';
import { ID } from '../../lib/model/catalog-format';
import { loadCatalog, resolve } from '../../lib/model';
import {
  MAX_FIXED_PORTS,
  importFirewalldServices,
  serviceCode,
  type FirewalldRefusalCode,
} from '../../lib/model/import-firewalld';
import { XmlFault, parseServiceXml } from '../../lib/model/service-xml';

const xml = (body: string, head = '<?xml version="1.0" encoding="utf-8"?>\n') =>
  `${head}<service>\n  <short>Test</short>\n  <description>A test service.</description>\n${body}</service>\n`;
const files = (services: Record<string, string>) =>
  Object.entries(services).map(([name, text]) => ({ path: `services/${name}.xml`, text }));
const outcome = (services: Record<string, string>) => importFirewalldServices(files(services));
const refusal = (services: Record<string, string>, name: string) =>
  outcome(services).refused.find((r) => r.service === name);
const codes = (services: Record<string, string>, name: string): FirewalldRefusalCode[] | undefined =>
  refusal(services, name)?.reasons.map((r) => r.code);

describe('what a catalog cannot say is refused, with the reason', () => {
  test.each<[string, string, FirewalldRefusalCode, RegExp]>([
    [
      'a helper',
      '  <port protocol="tcp" port="21"/>\n  <helper name="ftp"/>\n',
      'helper',
      /<helper> ftp \(line 6\): a connection-tracking helper/,
    ],
    [
      'a kernel module (the old helper form)',
      '  <port protocol="tcp" port="21"/>\n  <module name="nf_conntrack_ftp"/>\n',
      'helper',
      /<module> nf_conntrack_ftp/,
    ],
    [
      'a source port',
      '  <source-port protocol="udp" port="5355"/>\n',
      'source-port',
      /<source-port> 5355\/udp \(line 5\)/,
    ],
    [
      'a destination',
      '  <port protocol="udp" port="1900"/>\n  <destination ipv4="239.255.255.250" ipv6="ff02::c"/>\n',
      'destination',
      /<destination> 239\.255\.255\.250 and ff02::c/,
    ],
    ['a whole protocol', '  <protocol value="gre"/>\n', 'protocol', /opens all of IP protocol gre/],
    [
      'a port element without a port (the whole protocol)',
      '  <port protocol="esp" port=""/>\n',
      'protocol',
      /opens all of IP protocol esp/,
    ],
    [
      'an SCTP port',
      '  <port protocol="sctp" port="9899"/>\n',
      'protocol',
      /<port> 9899\/sctp .*: catalog flows are TCP or UDP ports/,
    ],
    ['a port name', '  <port protocol="tcp" port="ssh"/>\n', 'port', /<port> "ssh" .* is not a port number or a range/],
    ['port 0', '  <port protocol="tcp" port="0"/>\n', 'port', /outside 1-65535/],
    ['past 65535', '  <port protocol="tcp" port="65530-65536"/>\n', 'port', /outside 1-65535/],
    ['no port at all', '', 'no-ports', /opens no TCP or UDP port/],
  ])('%s', (_what, body, code, message) => {
    const r = refusal({ svc: xml(body) }, 'svc');
    expect(r).toBeDefined();
    expect(r!.file).toBe('services/svc.xml');
    expect(r!.reasons.map((x) => x.code)).toEqual([code]);
    expect(r!.reasons[0].message).toMatch(message);
  });

  test('every reason of a service is given, not the first alone', () => {
    const r = refusal({ gre: xml('  <protocol value="gre"/>\n  <helper name="proto-gre"/>\n') }, 'gre');
    expect(r!.reasons.map((x) => x.code)).toEqual(['protocol', 'helper']);
  });

  test('a wide range imports as one fixed entry, and its row opens the whole range', () => {
    const r = outcome({ kube: xml('  <port protocol="tcp" port="30000-32767"/>\n') });
    expect(r.refused).toEqual([]);
    expect(r.imported[0].ports).toEqual({ tcp: [{ fromPort: 30000, toPort: 32767 }], udp: [] });
    expect(r.catalog!.rows[0].flows[0]).toMatchObject({ ports: { kind: 'fixed', ports: ['30000-32767'] } });
  });

  test('at most 32 separate ranges per protocol: 32 import, 33 do not; ranges that overlap or touch are one', () => {
    // n separate runs (two ports, then a gap), plus entries that overlap and touch the first run.
    const ports = (n: number) =>
      Array.from({ length: n }, (_, i) => `  <port protocol="udp" port="${1000 + 3 * i}-${1001 + 3 * i}"/>\n`).join(
        '',
      ) + '  <port protocol="udp" port="1000"/>\n  <port protocol="udp" port="999"/>\n';
    const at = outcome({ aa: xml(ports(MAX_FIXED_PORTS)), bb: xml(ports(MAX_FIXED_PORTS + 1)) });
    expect(at.imported.map((i) => [i.service, i.ports.udp.length, i.ports.udp[0]])).toEqual([
      ['aa', 32, { fromPort: 999, toPort: 1001 }],
    ]);
    expect(at.refused.map((r) => [r.service, r.reasons[0].code])).toEqual([['bb', 'too-many-ports']]);
    expect(at.refused[0].reasons[0].message).toMatch(
      /^opens 33 separate udp port ranges \(1000-1001, 1003-1004, .*, 1096-1097, 1000, 999\), and a catalog's fixed ports list at most 32 ports or ranges per flow$/,
    );
  });

  test('a range written last port first is the same range, as firewalld reads it', () => {
    const r = outcome({ vnc: xml('  <port protocol="tcp" port="5903-5900"/>\n') });
    expect(r.imported[0].ports).toEqual({ tcp: [{ fromPort: 5900, toPort: 5903 }], udp: [] });
  });

  test('the same service from two files is refused, both named', () => {
    const r = importFirewalldServices([
      { path: 'usr/ssh.xml', text: xml('  <port protocol="tcp" port="22"/>\n') },
      { path: 'etc/ssh.xml', text: xml('  <port protocol="tcp" port="2222"/>\n') },
    ]);
    expect(r.imported).toEqual([]);
    expect(r.refused[0].reasons).toEqual([
      { code: 'duplicate', message: 'given twice: usr/ssh.xml and etc/ssh.xml; give one file per service' },
    ]);
  });
});

describe('include', () => {
  const ldap = xml('  <port protocol="tcp" port="389"/>\n');
  const ldaps = xml('  <port protocol="tcp" port="636"/>\n');
  const kerberos = xml('  <port protocol="tcp" port="88"/>\n  <port protocol="udp" port="88"/>\n');

  test("the included services' ports join the service's own, through every level, each once", () => {
    const r = outcome({
      ldap,
      ldaps,
      kerberos,
      directory: xml(
        '  <include service="ldap"/>\n  <include service="ldaps"/>\n  <port protocol="tcp" port="389"/>\n',
      ),
      ipa: xml(
        '  <include service="directory"/>\n  <include service="kerberos"/>\n  <port protocol="tcp" port="443"/>\n',
      ),
    });
    const ipa = r.imported.find((i) => i.service === 'ipa')!;
    const one = (p: number) => ({ fromPort: p, toPort: p });
    expect(ipa.ports).toEqual({ tcp: [88, 389, 443, 636].map(one), udp: [one(88)] });
    expect(ipa.includes).toEqual(['directory', 'kerberos', 'ldap', 'ldaps']);
    const row = r.catalog!.rows.find((x) => x.id === 'FIREWALLD-IPA')!;
    expect(row.citation).toEqual({
      document: 'ipa',
      note: 'its ports with those of the services it includes: directory, kerberos, ldap, ldaps',
    });
  });

  test('a cycle is refused, for every service on it and every service that includes one', () => {
    const services = {
      aa: xml('  <include service="bb"/>\n  <port protocol="tcp" port="1"/>\n'),
      bb: xml('  <include service="aa"/>\n  <port protocol="tcp" port="2"/>\n'),
      self: xml('  <include service="self"/>\n  <port protocol="tcp" port="3"/>\n'),
      user: xml('  <include service="aa"/>\n  <port protocol="tcp" port="4"/>\n'),
      fine: xml('  <port protocol="tcp" port="5"/>\n'),
    };
    const r = outcome(services);
    expect(r.imported.map((i) => i.service)).toEqual(['fine']);
    expect(refusal(services, 'aa')!.reasons.map((x) => x.message)).toEqual([
      'includes itself: aa -> bb -> aa; firewalld refuses such a cycle too',
    ]);
    expect(refusal(services, 'self')!.reasons[0].message).toBe(
      'includes itself: self -> self; firewalld refuses such a cycle too',
    );
    expect(refusal(services, 'user')!.reasons.map((x) => x.message)).toEqual([
      'includes aa, which includes itself',
      'includes bb (through aa), which includes itself',
    ]);
  });

  test('an include whose file is not given, or that is refused, refuses the service', () => {
    const services = {
      web: xml('  <include service="http"/>\n  <include service="tftp"/>\n'),
      tftp: xml('  <port protocol="udp" port="69"/>\n  <helper name="tftp"/>\n'),
    };
    expect(refusal(services, 'web')!.reasons.map((x) => x.message)).toEqual([
      'includes http, whose file is not among those given (give http.xml or its directory)',
      'includes tftp, which is refused: helper',
    ]);
    expect(codes(services, 'web')).toEqual(['include', 'include']);
  });
});

describe('the XML subset, read strictly', () => {
  test.each<[string, string, RegExp]>([
    ['a DOCTYPE', '<!DOCTYPE service SYSTEM "x.dtd">\n<service/>', /a DOCTYPE .* at line 1, column 1$/],
    ['CDATA', '<service><short><![CDATA[x]]></short></service>', /a CDATA section .* at line 1, column 17$/],
    ['an entity of its own', '<service><short>&nbsp;</short></service>', /the reference &nbsp;/],
    ['a bare ampersand', '<service><short>a & b</short></service>', /"&" that starts no reference/],
    ['a processing instruction', '<service><?php x ?></service>', /a processing instruction/],
    [
      'another encoding',
      '<?xml version="1.0" encoding="ISO-8859-1"?>\n<service/>',
      /the encoding ISO-8859-1; only UTF-8/,
    ],
    [
      'an end tag that does not match',
      '<service>\n  <short>x</shrt>\n</service>',
      /the end tag <\/shrt> where <\/short> ends <short> at line 2/,
    ],
    ['no end tag', '<service>\n  <short>x</short>\n', /<service> without its end tag/],
    ['two root elements', '<service/><service/>', /more after the end of the root element/],
    [
      'an attribute twice',
      '<service><port port="1" port="2" protocol="tcp"/></service>',
      /the attribute port given twice/,
    ],
    ['an unquoted attribute', '<service><port port=1 protocol="tcp"/></service>', /expected a quoted attribute value/],
    ['"--" in a comment', '<service><!-- a -- b --></service>', /"--" inside a comment/],
    ['nothing', '  \n', /no element/],
  ])('%s is refused with line and column', (_what, text, message) => {
    expect(() => parseServiceXml(text)).toThrow(XmlFault);
    expect(() => parseServiceXml(text)).toThrow(message);
  });

  test('entities, character references, comments and single quotes are read', () => {
    const root = parseServiceXml(
      '\uFEFF<?xml version=\'1.0\'?>\n<!-- c -->\n<service version="1.0">\n  <short>A &amp; B &#x41;&#66; &lt;x&gt;</short>\n  <!-- inside -->\n  <port protocol=\'tcp\' port="22"/>\n</service>\n<!-- after -->\n',
    );
    expect(root.name).toBe('service');
    expect(root.children.map((c) => c.name)).toEqual(['short', 'port']);
    expect(root.children[0].text).toBe('A & B AB <x>');
    expect(root.children[1]).toMatchObject({ attributes: { protocol: 'tcp', port: '22' }, line: 6 });
  });

  test.each<[string, string, RegExp]>([
    [
      'another root element',
      '<zone><port protocol="tcp" port="22"/></zone>',
      /the root element is <zone>, not <service>/,
    ],
    [
      'an element firewalld.service(5) does not define',
      xml('  <ports protocol="tcp" port="22"/>\n'),
      /the element <ports> \(line 5\) is not one of firewalld\.service\(5\)/,
    ],
    [
      'an attribute it does not define',
      xml('  <port protocol="tcp" port="22" family="ipv4"/>\n'),
      /<port> has the attribute family \(line 5\)/,
    ],
    ['a missing attribute', xml('  <port port="22"/>\n'), /<port> lacks the attribute protocol/],
    [
      'text in <service>',
      xml('  stray\n  <port protocol="tcp" port="22"/>\n'),
      /<service> holds text outside its elements/,
    ],
    [
      'an element named like a field of every object',
      xml('  <constructor/>\n  <__proto__/>\n'),
      /the element <constructor> \(line 5\) is not one of firewalld\.service\(5\)/,
    ],
    [
      'two <short>',
      xml('  <short>again</short>\n  <port protocol="tcp" port="22"/>\n'),
      /<short> given more than once/,
    ],
    [
      'XML that is not well formed',
      '<service><port protocol="tcp" port="22"></service>',
      /not a firewalld service file: the end tag <\/service> where <\/port> ends <port>/,
    ],
  ])('a file with %s is refused as not a service file', (_what, text, message) => {
    const r = refusal({ svc: text }, 'svc');
    expect(r!.reasons.map((x) => x.code)).toEqual(['file']);
    expect(r!.reasons[0].message).toMatch(/^not a firewalld service file: /);
    expect(r!.reasons[0].message).toMatch(message);
  });
});

describe('names become ids by one injective scheme', () => {
  const WORD = fc.stringMatching(/^[A-Za-z0-9]{1,6}$/);
  const NAME = fc
    .tuple(fc.stringMatching(/^[A-Za-z]$/), fc.array(WORD, { maxLength: 4 }), fc.stringMatching(/^[A-Za-z0-9]{0,4}$/))
    .map(([first, words, rest]) => [`${first}${rest}`, ...words].join('-'));

  test('plain names are themselves; others carry the mark of their upper-case letters', () => {
    expect(serviceCode('ldaps')).toBe('ldaps');
    expect(serviceCode('freeipa-4')).toBe('freeipa-4');
    expect(serviceCode('RH-Satellite-6')).toBe('rh-satellite-6-u11');
    expect(serviceCode('rh-satellite-6-u11')).toBe('rh-satellite-6-u11-u0');
    expect(serviceCode('a_b')).toBeUndefined();
    expect(serviceCode('1password')).toBeUndefined();
    expect(serviceCode('a--b')).toBeUndefined();
  });

  test('two distinct names never share an id, and every id fits role, row and document ids', () => {
    fc.assert(
      fc.property(NAME, NAME, (a, b) => {
        const [x, y] = [serviceCode(a)!, serviceCode(b)!];
        expect(x === y).toBe(a === b);
        expect(`firewalld:${x}:client`).toMatch(ID.role);
        expect(`FIREWALLD-${x.toUpperCase()}`).toMatch(ID.row);
        if (x.length >= 2 && x.length <= 40) expect(x).toMatch(ID.name);
      }),
      { numRuns: 2000 },
    );
  });

  test('names that differ in case alone, or by a mark-like last word, import side by side', () => {
    const tcp = (p: number) => xml(`  <port protocol="tcp" port="${p}"/>\n`);
    const r = outcome({ sat: tcp(1), SAT: tcp(2), Sat: tcp(3), 'sat-u0': tcp(4), 'sat-u1': tcp(5) });
    expect(r.refused).toEqual([]);
    const c = loadCatalog(r.catalog!, 'cases.yaml');
    expect(c.rows.map((x) => x.id)).toEqual([
      'FIREWALLD-SAT-U7',
      'FIREWALLD-SAT-U1',
      'FIREWALLD-SAT',
      'FIREWALLD-SAT-U0-U0',
      'FIREWALLD-SAT-U1-U0',
    ]);
    expect(new Set(c.roles.map((x) => x.id)).size).toBe(10);
  });

  test('a one-letter name is refused: a document id has at least two characters', () => {
    expect(codes({ x: xml('  <port protocol="tcp" port="1"/>\n') }, 'x')).toEqual(['name']);
  });

  test('a name no id can carry is refused, with the reason', () => {
    const r = refusal({ my_service: xml('  <port protocol="tcp" port="1"/>\n') }, 'my_service');
    expect(r!.reasons).toEqual([
      {
        code: 'name',
        message:
          'the name "my_service" is not words of letters and digits joined by single dashes, starting with a letter: ' +
          'role and row ids cannot carry it (rename the file)',
      },
    ]);
  });
});

describe('the catalog', () => {
  const services = {
    ldaps: xml('  <port protocol="tcp" port="636"/>\n'),
    dns: xml('  <port protocol="tcp" port="53"/>\n  <port protocol="udp" port="53"/>\n'),
    ftp: xml('  <port protocol="tcp" port="21"/>\n  <helper name="ftp"/>\n'),
  };

  test('one document, two roles and one row per imported service, each row citing its file', () => {
    const { catalog } = outcome(services);
    expect(catalog).toEqual({
      product: { id: 'firewalld', name: 'firewalld service definitions' },
      documents: [
        { id: 'dns', title: 'firewalld service dns: Test', reference: 'services/dns.xml' },
        { id: 'ldaps', title: 'firewalld service ldaps: Test', reference: 'services/ldaps.xml' },
      ],
      roles: [
        { id: 'firewalld:dns', label: 'firewalld service dns', hostOs: ['linux', 'windows'] },
        { id: 'firewalld:dns:client', label: 'client of firewalld service dns', hostOs: ['linux', 'windows'] },
        { id: 'firewalld:ldaps', label: 'firewalld service ldaps', hostOs: ['linux', 'windows'] },
        { id: 'firewalld:ldaps:client', label: 'client of firewalld service ldaps', hostOs: ['linux', 'windows'] },
      ],
      rows: [
        {
          id: 'FIREWALLD-DNS',
          purpose: 'Test (firewalld dns)',
          condition: 'always',
          citation: { document: 'dns' },
          flows: (['tcp', 'udp'] as const).map((protocol) => ({
            listener: { roles: ['firewalld:dns'] },
            initiator: { roles: ['firewalld:dns:client'] },
            protocol,
            ports: { kind: 'fixed', ports: [53] },
          })),
        },
        {
          id: 'FIREWALLD-LDAPS',
          purpose: 'Test (firewalld ldaps)',
          condition: 'always',
          citation: { document: 'ldaps' },
          flows: [
            {
              listener: { roles: ['firewalld:ldaps'] },
              initiator: { roles: ['firewalld:ldaps:client'] },
              protocol: 'tcp',
              ports: { kind: 'fixed', ports: [636] },
            },
          ],
        },
      ],
    });
  });

  test('it loads and resolves beside the built-in products: clients reach the hosts on the ports, nothing more', () => {
    const catalog = loadCatalog(outcome(services).catalog!, 'firewalld.yaml');
    const r = resolve(
      {
        groups: [
          { name: 'directory', role: 'firewalld:ldaps' },
          { name: 'linux', role: 'firewalld:ldaps:client' },
          { name: 'resolvers', role: 'firewalld:dns' },
          { name: 'dns-clients', role: 'firewalld:dns:client' },
          { name: 'console', role: 'serverprotect:console' },
        ],
      },
      { catalogs: [catalog] },
    );
    const flows = r.flows
      .filter((f) => f.rows.some((x) => x.startsWith('FIREWALLD-')))
      .map((f) => `${f.from.name} -> ${f.to.name} ${f.protocol} ${f.fromPort}-${f.toPort}`);
    expect(flows.sort()).toEqual([
      'dns-clients -> resolvers tcp 53-53',
      'dns-clients -> resolvers udp 53-53',
      'linux -> directory tcp 636-636',
    ]);
  });

  test('a short text AWS descriptions cannot carry leaves the purpose plain; the title keeps it', () => {
    const { catalog } = outcome({ xx: xml('  <port protocol="tcp" port="1"/>\n').replace('Test', 'Tést "quoted"') });
    expect(catalog!.rows[0].purpose).toBe('firewalld service xx');
    expect(catalog!.documents[0].title).toBe('firewalld service xx: Tést "quoted"');
  });

  test('nothing imported: no catalog', () => {
    expect(outcome({ ftp: services.ftp }).catalog).toBeUndefined();
  });
});
