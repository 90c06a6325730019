import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, requireTool, underCi } from './tools';

const MISSING = 'sometool is not on PATH: install it with `apt-get install -y sometool` (.ci/run installs it)';

describe('requireTool: one rule for the external tools the tests run', () => {
  const bin = mkdtempSync(join(tmpdir(), 'portplan-tools-'));
  writeFileSync(join(bin, 'sometool'), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(join(bin, 'notexecutable'), '', { mode: 0o644 });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  test('a tool on PATH is found by its absolute path, and its tests run', () => {
    const t = requireTool('sometool', 'apt-get install -y sometool', { PATH: `/nonexistent:${bin}`, CI: 'true' });
    expect(t).toEqual({ path: join(bin, 'sometool'), test, missing: undefined });
  });

  test('PATH alone decides: a file that is not executable, or a tool outside PATH, is not there', () => {
    expect(findOnPath('notexecutable', bin)).toBeUndefined();
    // /bin/sh exists on every machine that runs these tests; no fallback directory finds it.
    expect(findOnPath('sh', '/nonexistent')).toBeUndefined();
    expect(findOnPath('sh', '/nonexistent:/bin')).toBe('/bin/sh');
  });

  test('missing under CI=true: an error naming the tool and its install command', () => {
    const call = () => requireTool('sometool', 'apt-get install -y sometool', { PATH: '/nonexistent', CI: 'true' });
    expect(call).toThrow(`${MISSING}; CI=true requires it`);
  });

  test('missing outside CI: the tests are skipped, with the same message on standard error', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const t = requireTool('sometool', 'apt-get install -y sometool', { PATH: '/nonexistent' });
      expect(t).toEqual({ path: undefined, test: test.skip, missing: MISSING });
      expect(write).toHaveBeenCalledWith(`skipped: ${t.missing}\n`);
    } finally {
      write.mockRestore();
    }
  });

  const values = [
    ['true', true],
    ['1', true],
    ['TRUE', true],
    ['false', false],
    ['', false],
    [undefined, false],
  ] as const;
  test.each(values)('CI=%s: under CI %s', (ci, expected) => {
    expect(underCi(ci === undefined ? {} : { CI: ci })).toBe(expected);
  });
});
