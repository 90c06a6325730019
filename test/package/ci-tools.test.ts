// .ci/python-tools, the part of .ci/run that provides cfn-lint and moto_server, run against stand-in
// commands (python3, pipx, the tools) in a copy of .ci, so every branch runs without a network.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
let work = '';

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'portplan-ci-'));
  mkdirSync(join(work, '.ci'));
  copyFileSync(join(ROOT, '.ci/python-tools'), join(work, '.ci/python-tools'));
  mkdirSync(join(work, 'stubs'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** A stand-in command: a bash script that logs its arguments to calls.log, then runs `body`. */
function stub(name: string, body = ''): void {
  const file = join(work, 'stubs', name);
  writeFileSync(file, `#!/bin/bash\necho "${name} $*" >> "${join(work, 'calls.log')}"\n${body}\n`);
  chmodSync(file, 0o755);
}
const log = () => join(work, 'calls.log');
const calls = (): string[] => (existsSync(log()) ? readFileSync(log(), 'utf8').trim().split('\n') : []);

/** Sources the script as .ci/run does, with the stand-ins first on PATH; reports where each tool is then. */
function source() {
  const script =
    'set -euo pipefail; source .ci/python-tools; ' +
    'echo "cfn-lint=$(command -v cfn-lint) moto_server=$(command -v moto_server)"';
  const env = { HOME: work, PATH: `${join(work, 'stubs')}:/usr/bin:/bin` };
  const r = spawnSync('/bin/bash', ['-c', script], { cwd: work, encoding: 'utf8', env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// A python3 whose venv module makes a .venv-tools whose python logs its call and runs `pip` (a bash body).
const venvPython = (pip: string) => `if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin"
  printf '#!/bin/bash\\necho "venv-python $*" >> "${log()}"\\n%s\\n' '${pip.replace(/'/g, "'\\''")}' > "$3/bin/python"
  chmod +x "$3/bin/python"
fi`;

describe('.ci/python-tools', () => {
  test('both tools on PATH: nothing is installed', () => {
    stub('cfn-lint');
    stub('moto_server');
    stub('python3', 'exit 1');
    stub('pipx', 'exit 1');
    const r = source();
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(`cfn-lint=${join(work, 'stubs/cfn-lint')} moto_server=${join(work, 'stubs/moto_server')}\n`);
    expect(calls()).toEqual([]);
  });

  test('with pipx: each missing tool is installed with pipx and its bin directory put on PATH', () => {
    const bin = join(work, 'pipx-bin');
    stub('cfn-lint');
    stub(
      'pipx',
      `if [ "$1" = environment ]; then echo "${bin}"; exit 0; fi
mkdir -p "${bin}"; printf '#!/bin/bash\\n' > "${bin}/moto_server"; chmod +x "${bin}/moto_server"`,
    );
    const r = source();
    expect([r.code, r.err]).toEqual([0, '']);
    expect(calls()).toEqual(['pipx install --quiet moto[server]', 'pipx environment --value PIPX_BIN_DIR']);
    expect(r.out).toContain(`moto_server=${bin}/moto_server`);
  });

  test('without pipx: .venv-tools, its pip, its bin directory on PATH; reused by the next run', () => {
    const pip = `if [ "$1 $2 $3" = "-m pip install" ]; then d=$(dirname "$0");
  for t in cfn-lint moto_server; do printf '#!/bin/bash\\n' > "$d/$t"; chmod +x "$d/$t"; done; fi`;
    stub('python3', venvPython(pip));
    const venv = join(work, '.venv-tools/bin');
    const r = source();
    expect([r.code, r.err]).toEqual([0, '']);
    const installing = `installing cfn-lint moto[server] into ${join(work, '.venv-tools')}\n`;
    expect(r.out).toBe(`${installing}cfn-lint=${venv}/cfn-lint moto_server=${venv}/moto_server\n`);
    const pipInstall = 'venv-python -m pip install --quiet cfn-lint moto[server]';
    expect(calls()).toEqual([`python3 -m venv ${join(work, '.venv-tools')}`, pipInstall]);
    // The next run finds the tools in .venv-tools and installs nothing.
    const again = source();
    expect([again.code, again.out]).toEqual([0, r.out.split('\n').slice(1).join('\n')]);
    expect(calls()).toHaveLength(2);
  });

  test('no venv module (Debian without python3-venv): exit 1, naming both tools and what to install', () => {
    stub('python3', 'echo "The virtual environment was not successfully created: no ensurepip." >&2; exit 1');
    const r = source();
    expect(r.code).toBe(1);
    expect(r.out).toBe(`installing cfn-lint moto[server] into ${join(work, '.venv-tools')}\n`);
    expect(r.err).toMatch(/cannot create the virtual environment .*\.venv-tools for cfn-lint, moto_server/);
    expect(r.err).toContain('(on Debian and Ubuntu: apt-get install python3-venv, or install pipx)');
    expect(r.err).toContain("pipx install cfn-lint && pipx install 'moto[server]'");
    expect(r.err).not.toMatch(/Traceback/);
  });

  test("pip cannot install (no network): exit 1, naming the tools after pip's own message", () => {
    stub('cfn-lint');
    stub('python3', venvPython('echo "ERROR: No matching distribution found for moto[server]" >&2; exit 1'));
    const r = source();
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        'ERROR: No matching distribution found for moto\\[server\\]\n' +
          'portplan CI: pip could not install moto\\[server\\] \\(for moto_server\\) ' +
          'into .*\\.venv-tools; its message is above\n',
      ),
    );
  });

  test('no python3 at all: exit 1, naming the tools', () => {
    const env = { HOME: work, PATH: join(work, 'stubs') };
    const script = 'set -euo pipefail; source .ci/python-tools';
    const r = spawnSync('/bin/bash', ['-c', script], { cwd: work, encoding: 'utf8', env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/portplan CI: cfn-lint, moto_server missing, and no python3 to install them with/);
  });
});
