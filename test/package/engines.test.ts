// The Node versions package.json claims against what the installed packages declare: `engines`
// must admit no Node version that a dependency, a peer SDK (the versions installed here) or a
// development tool refuses. npm checks `engines` of the root project at `npm ci` too, so it is
// also the requirement for working on this repository.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

interface Manifest {
  readonly engines?: { node?: string };
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
const own = manifest(ROOT);
const engineOf = (name: string): string | undefined => manifest(join(ROOT, 'node_modules', name)).engines?.node;

type Version = [number, number, number];
const version = (text: string): Version => {
  const [major = 0, minor = 0, patch = 0] = text.replace(/^v/, '').split('.').map(Number);
  return [major, minor, patch];
};
const compare = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * Whether `v` satisfies an npm range of the forms the installed packages use: `||` of
 * space-separated `>=`, `>`, `<=`, `<` and `^` comparators. Any other form fails the test rather
 * than passing silently.
 */
function satisfies(v: Version, range: string): boolean {
  return range.split('||').some((set) =>
    set
      .trim()
      .replace(/([<>=^]+)\s+/g, '$1')
      .split(/\s+/)
      .every((comparator) => {
        const m = /^(>=|>|<=|<|\^)(\d+(?:\.\d+){0,2})$/.exec(comparator);
        if (!m) throw new Error(`unsupported range ${JSON.stringify(range)}`);
        const bound = version(m[2]);
        const c = compare(v, bound);
        if (m[1] === '>=') return c >= 0;
        if (m[1] === '>') return c > 0;
        if (m[1] === '<=') return c <= 0;
        if (m[1] === '<') return c < 0;
        return c >= 0 && v[0] === bound[0];
      }),
  );
}

/** The lowest version a `>=x.y.z` range admits. */
function lowest(range: string | undefined): Version {
  const m = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range ?? '');
  if (!m) throw new Error(`expected a ">=" range, got ${JSON.stringify(range)}`);
  return version(m[1]);
}

describe('Node versions in package.json', () => {
  test('the range checker reads the forms in use', () => {
    expect(satisfies([20, 0, 0], '^18.18.0 || ^20.9.0 || >=21.1.0')).toBe(false);
    expect(satisfies([20, 9, 0], '^18.18.0 || ^20.9.0 || >=21.1.0')).toBe(true);
    expect(satisfies([20, 0, 0], '>= 20.0.0')).toBe(true);
    expect(satisfies([20, 19, 0], '>=22')).toBe(false);
    expect(() => satisfies([20, 0, 0], '20.x')).toThrow('unsupported range');
  });

  // The peers' installed versions are the devDependencies of the same names.
  const packages = [...Object.keys(own.dependencies ?? {}), ...Object.keys(own.devDependencies ?? {})];
  test.each(packages)('engines admits only Node versions %s supports', (name) => {
    const range = engineOf(name);
    const admitted = range === undefined || satisfies(lowest(own.engines?.node), range);
    expect([name, range, admitted]).toEqual([name, range, true]);
  });

  test('every peer SDK is among the packages checked', () => {
    expect(Object.keys(own.peerDependencies ?? {}).filter((p) => !packages.includes(p))).toEqual([]);
  });
});
