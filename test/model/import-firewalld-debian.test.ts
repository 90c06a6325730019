// Every service definition firewalld ships (the Debian package CI installs: /usr/lib/firewalld/services)
// through the import: each is imported or refused with a reason that firewalld's own reading of the
// file bears out, and each imported row opens exactly the ports firewalld opens for the service
// (`firewall-offline-cmd --info-service`, its includes followed). firewall-offline-cmd runs with a
// system configuration directory of the test's own: it reads the shipped services and writes nothing
// under /etc/firewalld, which the test checks.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadCatalog, resolve } from '../../lib/model';
import { importFirewalldServices, type FirewalldImport } from '../../lib/model/import-firewalld';
import { requireTool } from '../support/tools';

const SERVICES = '/usr/lib/firewalld/services';
const tool = requireTool('firewall-offline-cmd', 'apt-get install -y firewalld');
const run = promisify(execFile);

/** A service as firewall-offline-cmd --info-service prints it. */
interface Info {
  readonly ports: readonly string[];
  readonly protocols: readonly string[];
  readonly sourcePorts: readonly string[];
  readonly modules: readonly string[];
  readonly destination: readonly string[];
  readonly includes: readonly string[];
  readonly helpers: readonly string[];
}

function parseInfo(name: string, text: string): Info {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe(name);
  const field = (key: string): string[] => {
    const line = lines.find((l) => l.startsWith(`  ${key}:`));
    expect(line).toBeDefined();
    return line!
      .slice(key.length + 3)
      .trim()
      .split(/\s+/)
      .filter(Boolean);
  };
  return {
    ports: field('ports'),
    protocols: field('protocols'),
    sourcePorts: field('source-ports'),
    modules: field('modules'),
    destination: field('destination'),
    includes: field('includes'),
    helpers: field('helpers'),
  };
}

/** Runs `jobs` at most `width` at a time (each firewall-offline-cmd call starts Python). */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return out;
}

const hashes = () =>
  spawnSync('sh', ['-c', 'find /etc/firewalld -type f -exec sha256sum {} + 2>/dev/null | sort'], { encoding: 'utf8' })
    .stdout;

/** Every port of firewalld's `22/tcp`, `5900-5903/tcp` entries, as `tcp 22` ... */
function portSet(entries: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const e of entries) {
    const m = /^(\d+)(?:-(\d+))?\/([a-z]+)$/.exec(e);
    expect(m).not.toBeNull();
    const [from, to] = [Number(m![1]), Number(m![2] ?? m![1])];
    for (let p = from; p <= to; p++) out.add(`${m![3]} ${p}`);
  }
  return out;
}

/** How many runs of consecutive ports of one protocol a port set holds. */
function runs(ports: ReadonlySet<string>, proto: string): number {
  const mine = [...ports].filter((p) => p.startsWith(`${proto} `)).map((p) => Number(p.split(' ')[1]));
  return mine.filter((p) => !mine.includes(p - 1)).length;
}

describe('the Debian firewalld package: every shipped service', () => {
  const state: { names: string[]; info: Map<string, Info>; result?: FirewalldImport; before: string } = {
    names: [],
    info: new Map(),
    before: '',
  };
  const dir = mkdtempSync(join(tmpdir(), 'portplan-firewalld-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    if (!tool.path) return;
    state.before = hashes();
    state.names = readdirSync(SERVICES)
      .filter((f) => f.endsWith('.xml'))
      .map((f) => f.slice(0, -4))
      .sort();
    state.result = importFirewalldServices(
      state.names.map((n) => ({
        path: join(SERVICES, `${n}.xml`),
        text: readFileSync(join(SERVICES, `${n}.xml`), 'utf8'),
      })),
    );
    const outputs = await pool(
      state.names.map((n) => async () => {
        const r = await run(tool.path!, [`--system-config=${dir}`, `--info-service=${n}`], { encoding: 'utf8' });
        return parseInfo(n, r.stdout);
      }),
      4,
    );
    state.names.forEach((n, i) => state.info.set(n, outputs[i]));
  }, 600_000);

  // firewalld's view of a service with its includes followed, as firewalld applies it to a zone.
  function closure(name: string): { names: Set<string>; info: Info } {
    const names = new Set<string>();
    const walk = (n: string) => {
      for (const i of state.info.get(n)!.includes) {
        if (names.has(i) || i === name) continue;
        names.add(i);
        walk(i);
      }
    };
    walk(name);
    const all = [name, ...names].map((n) => state.info.get(n)!);
    const merged = (k: keyof Info) => all.flatMap((i) => i[k]);
    return {
      names,
      info: {
        ports: merged('ports'),
        protocols: merged('protocols'),
        sourcePorts: merged('sourcePorts'),
        modules: merged('modules'),
        destination: merged('destination'),
        includes: merged('includes'),
        helpers: merged('helpers'),
      },
    };
  }

  tool.test('the package ships its service files, and firewall-offline-cmd left /etc/firewalld as it was', () => {
    expect(state.names.length).toBeGreaterThan(200);
    expect(hashes()).toBe(state.before);
  });

  tool.test('each service is imported or refused, once; every refusal has a reason', () => {
    const { imported, refused } = state.result!;
    const seen = [...imported.map((i) => i.service), ...refused.map((r) => r.service)].sort();
    expect(seen).toEqual(state.names);
    for (const r of refused) expect(r.reasons.length).toBeGreaterThan(0);
    const counts = new Map<string, number>();
    for (const r of refused) counts.set(r.reasons[0].code, (counts.get(r.reasons[0].code) ?? 0) + 1);
    process.stderr.write(
      `firewalld services: ${imported.length} imported, ${refused.length} refused (${[...counts].map(([c, n]) => `${c} ${n}`).join(', ')})\n`,
    );
  });

  tool.test("each imported row opens exactly firewalld's ports for the service, includes followed", () => {
    for (const i of state.result!.imported) {
      const { names, info } = closure(i.service);
      expect([i.service, [...names].sort()]).toEqual([i.service, i.includes]);
      // Nothing firewalld would add beyond ports: no protocols, source ports, helpers, destinations.
      expect([i.service, info.protocols, info.sourcePorts, info.modules, info.helpers, info.destination]).toEqual([
        i.service,
        [],
        [],
        [],
        [],
        [],
      ]);
      // Every port of every range, against every port firewalld lists: the sets, not samples.
      const ours = new Set(
        (['tcp', 'udp'] as const).flatMap((proto) =>
          i.ports[proto].flatMap((r) =>
            Array.from({ length: r.toPort - r.fromPort + 1 }, (_, k) => `${proto} ${r.fromPort + k}`),
          ),
        ),
      );
      expect([i.service, [...ours].sort()]).toEqual([i.service, [...portSet(info.ports)].sort()]);
    }
  });

  tool.test('every service firewalld reads as TCP and UDP ports alone, includes followed, is imported', () => {
    const imported = new Set(state.result!.imported.map((i) => i.service));
    const portsOnly = state.names.filter((n) => {
      const { info } = closure(n);
      const others = [info.protocols, info.sourcePorts, info.modules, info.helpers, info.destination];
      const ports = portSet(info.ports);
      return (
        others.every((x) => x.length === 0) &&
        info.ports.every((p) => /^\d+(-\d+)?\/(tcp|udp)$/.test(p)) &&
        ports.size > 0 &&
        ['tcp', 'udp'].every((proto) => runs(ports, proto) <= 32)
      );
    });
    expect(portsOnly.filter((n) => !imported.has(n))).toEqual([]);
    // Those with a range of ports (the ones a list of single ports could not hold), for the record.
    const ranged = state.result!.imported.filter((i) =>
      [...i.ports.tcp, ...i.ports.udp].some((r) => r.toPort > r.fromPort),
    );
    process.stderr.write(`firewalld services with port ranges imported: ${ranged.map((i) => i.service).join(', ')}\n`);
    expect(ranged.length).toBeGreaterThan(0);
  });

  tool.test("each refusal's reason is borne out by firewalld's reading of the service", () => {
    const refusedNames = new Set(state.result!.refused.map((r) => r.service));
    for (const r of state.result!.refused) {
      const own = state.info.get(r.service)!;
      const { names, info } = closure(r.service);
      for (const { code } of r.reasons) {
        const holds: Record<string, () => boolean> = {
          helper: () => own.helpers.length + own.modules.length > 0,
          destination: () => own.destination.length > 0,
          'source-port': () => own.sourcePorts.length > 0,
          protocol: () => own.protocols.length > 0 || own.ports.some((p) => !/\/(tcp|udp)$/.test(p)),
          'too-many-ports': () => ['tcp', 'udp'].some((proto) => runs(portSet(info.ports), proto) > 32),
          include: () => [...names].some((n) => refusedNames.has(n)),
          'no-ports': () => info.ports.length === 0,
        };
        expect([r.service, code, holds[code]?.() ?? false]).toEqual([r.service, code, true]);
      }
    }
  });

  tool.test('the catalog loads and resolves: Linux servers reach the directory servers on ldaps', () => {
    const catalog = loadCatalog(state.result!.catalog!, 'firewalld.yaml');
    expect(catalog.rows).toHaveLength(state.result!.imported.length);
    const r = resolve(
      {
        groups: [
          { name: 'directory', role: 'firewalld:ldaps' },
          { name: 'linux-servers', role: 'firewalld:ldaps:client' },
        ],
      },
      { catalogs: [catalog] },
    );
    const flows = r.flows.map((f) => `${f.from.name} ${f.to.name} ${f.protocol} ${f.fromPort}-${f.toPort} ${f.rows}`);
    const ldaps = [...portSet(state.info.get('ldaps')!.ports)];
    expect(ldaps).toEqual(['tcp 636']);
    expect(flows).toEqual(['linux-servers directory tcp 636-636 FIREWALLD-LDAPS']);
  });
});
