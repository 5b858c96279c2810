import { comparePep440, parsePep440 } from '../versions/pep440.js';

/**
 * Whether a PEP 508 environment marker (`sys_platform == "win32"`,
 * `python_version < "3"`) can hold on Heroku: Linux on x86-64 or arm64,
 * CPython 3.9 to 3.14. A package whose marker holds on none of these is not
 * installed there, as pip, pipenv and Poetry leave it out on such a machine.
 * A variable this cannot know (an `extra`, a version of the platform) may
 * hold either way, so the marker may hold: the package is reported.
 * Linear in the marker; a marker that does not parse may hold.
 */
export function mayHoldOnHeroku(marker: string): boolean {
  try {
    const tokens = tokenize(marker);
    return ENVIRONMENTS.some((environment) => {
      const parser = new MarkerParser(tokens, environment);
      const value = parser.expression();
      if (!parser.done()) throw new Error('trailing tokens');
      return value !== false;
    });
  } catch {
    return true;
  }
}

type Environment = Record<string, string>;

const ENVIRONMENTS: Environment[] = ['9', '10', '11', '12', '13', '14'].flatMap((minor) =>
  ['x86_64', 'aarch64'].flatMap((machine) =>
    ['0', '99'].map((patch) => ({
      os_name: 'posix',
      sys_platform: 'linux',
      platform_system: 'Linux',
      platform_machine: machine,
      platform_python_implementation: 'CPython',
      implementation_name: 'cpython',
      python_version: `3.${minor}`,
      python_full_version: `3.${minor}.${patch}`,
      implementation_version: `3.${minor}.${patch}`,
    })),
  ),
);

const VERSION_VARIABLES = new Set(['python_version', 'python_full_version', 'implementation_version']);

type Token = { kind: 'string' | 'name' | 'op' | 'paren'; text: string };

function tokenize(marker: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < marker.length) {
    const c = marker[at]!;
    if (/\s/.test(c)) {
      at++;
    } else if (c === '"' || c === "'") {
      const end = marker.indexOf(c, at + 1);
      if (end === -1) throw new Error('unterminated string');
      tokens.push({ kind: 'string', text: marker.slice(at + 1, end) });
      at = end + 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: 'paren', text: c });
      at++;
    } else {
      const op = /^(===|==|!=|<=|>=|~=|<|>)/.exec(marker.slice(at, at + 3));
      if (op) {
        tokens.push({ kind: 'op', text: op[1]! });
        at += op[1]!.length;
        continue;
      }
      const name = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(marker.slice(at, at + 64));
      if (!name) throw new Error('unexpected character');
      tokens.push({ kind: 'name', text: name[0] });
      at += name[0].length;
    }
  }
  return tokens;
}

/** Three values: true, false, or null (cannot be known here). */
type Truth = boolean | null;

class MarkerParser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly environment: Environment,
  ) {}

  done(): boolean {
    return this.at === this.tokens.length;
  }

  expression(): Truth {
    let value = this.conjunction();
    while (this.peek('name', 'or')) {
      this.at++;
      const right = this.conjunction();
      value = value === true || right === true ? true : value === null || right === null ? null : false;
    }
    return value;
  }

  private conjunction(): Truth {
    let value = this.atom();
    while (this.peek('name', 'and')) {
      this.at++;
      const right = this.atom();
      value = value === false || right === false ? false : value === null || right === null ? null : true;
    }
    return value;
  }

  private atom(): Truth {
    if (this.peek('paren', '(')) {
      this.at++;
      const value = this.expression();
      if (!this.peek('paren', ')')) throw new Error('unclosed parenthesis');
      this.at++;
      return value;
    }
    const left = this.operand();
    const op = this.operator();
    const right = this.operand();
    return this.compare(left, op, right);
  }

  private operand(): { variable?: string; value: string | null } {
    const token = this.tokens[this.at++];
    if (!token) throw new Error('missing operand');
    if (token.kind === 'string') return { value: token.text };
    // Own keys only: `constructor` or `__proto__` in a marker is a variable this does not know, not a property of the object.
    if (token.kind === 'name') return { variable: token.text, value: Object.hasOwn(this.environment, token.text) ? this.environment[token.text]! : null };
    throw new Error('unexpected token');
  }

  private operator(): string {
    const token = this.tokens[this.at++];
    if (token?.kind === 'op') return token.text;
    if (token?.kind === 'name' && token.text === 'in') return 'in';
    if (token?.kind === 'name' && token.text === 'not' && this.peek('name', 'in')) {
      this.at++;
      return 'not in';
    }
    throw new Error('missing operator');
  }

  private compare(left: { variable?: string; value: string | null }, op: string, right: { variable?: string; value: string | null }): Truth {
    if (left.value === null || right.value === null) return null;
    if (op === 'in') return right.value.includes(left.value);
    if (op === 'not in') return !right.value.includes(left.value);
    const versions = VERSION_VARIABLES.has(left.variable ?? '') || VERSION_VARIABLES.has(right.variable ?? '');
    const x = versions ? parsePep440(left.value) : null;
    const y = versions ? parsePep440(right.value) : null;
    // A version pattern (`3.*`) or a version this cannot read: either way.
    if (versions && (!x || !y) && op !== '===') return null;
    if (x && y && op !== '===') {
      const order = comparePep440(x, y);
      // Compatible release (`~= 3.9` is `>= 3.9, == 3.*`): the prefix is the specifier's, without its last part.
      if (op === '~=') {
        const prefix = right.value.split('.').slice(0, -1);
        return order >= 0 && prefix.every((part, i) => left.value!.split('.')[i] === part);
      }
      return { '==': order === 0, '!=': order !== 0, '<': order < 0, '<=': order <= 0, '>': order > 0, '>=': order >= 0 }[op] ?? null;
    }
    if (op === '==' || op === '===') return left.value === right.value;
    if (op === '!=') return left.value !== right.value;
    // Ordering words, or a version against a word: PEP 508 leaves it undefined.
    return null;
  }

  private peek(kind: Token['kind'], text: string): boolean {
    const token = this.tokens[this.at];
    return token !== undefined && token.kind === kind && token.text === text;
  }
}
