// Child process of loading.test.ts: requires one entry point of the package and prints every module
// that loading it put in require.cache, as JSON paths relative to node_modules or the repository.
const entry = process.argv[2];
const before = new Set(Object.keys(require.cache));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the entry point is known only at run time
require(entry);
const loaded = Object.keys(require.cache).filter((k) => !before.has(k));
process.stdout.write(`${JSON.stringify(loaded)}\n`);
