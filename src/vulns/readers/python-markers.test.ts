import { describe, expect, it } from 'vitest';
import { mayHoldOnHeroku } from './python-markers.js';

describe('environment markers on Heroku (Linux, CPython 3.9 to 3.14)', () => {
  it('rule out only what holds on no Heroku machine', () => {
    const never = [
      'sys_platform == "win32"',
      "platform_system == 'Windows'",
      'os_name == "nt"',
      'python_version < "3"',
      'python_version < "3.8"',
      'sys_platform == "darwin" and python_version >= "3.8"',
      '(sys_platform == "win32" or sys_platform == "cygwin") and extra == "x"',
      'implementation_name == "pypy"',
      '"win" in sys_platform',
      'python_version ~= "2.7"',
    ];
    const may = [
      'python_version >= "3.8"',
      'sys_platform == "linux"',
      'sys_platform != "win32"',
      'python_version < "3.11"',
      'python_full_version >= "3.12.1"',
      'platform_machine == "aarch64"',
      'extra == "fast"',
      'sys_platform == "win32" or extra == "fast"',
      'python_version == "3.*"',
      'python_version ~= "3.10"',
      'python_full_version ~= "3.9"',
      'python_version ~= "3.10.0"',
      'constructor == "1"',
      '__proto__ == "1"',
      // Not a marker at all: it may hold, so the package is reported.
      'this is not a marker',
      '(((',
    ];
    expect(never.filter(mayHoldOnHeroku)).toEqual([]);
    expect(may.filter((m) => !mayHoldOnHeroku(m))).toEqual([]);
  });

  it('reads a marker nested past any depth, or chained at length, to an answer (its time is held linear in hostile.test.ts)', () => {
    expect(mayHoldOnHeroku(`${'('.repeat(200_000)}sys_platform == "win32"${')'.repeat(200_000)}`)).toBe(true);
    expect(mayHoldOnHeroku(Array.from({ length: 50_000 }, () => 'python_version < "3"').join(' or '))).toBe(false);
  });
});
