#!/usr/bin/env node
// Extracts version-ordering test vectors from each ecosystem's own test file.
//
//   node extract.mjs            -> writes <eco>/cases.json and prints a summary
//   node extract.mjs --report   -> also writes report.json (counts + skipped lines,
//                                  used to write COUNTS.md)
//
// No dependencies. Reads only <eco>/source/<file>. Output is deterministic.
//
// cases.json keys (only those that apply are present):
//   order      [[a, b, cmp]]   cmp = compare(a, b), one of -1, 0, 1
//   negative   [[a, b, op]]    "a op b" is asserted to be FALSE (op: > < == >= <= !=),
//                              for assertions that exclude a relation without fixing the order
//   normalize  [[input, output | null]]   null = normalization must fail
//   valid      [[text, bool]]
//   prerelease [[text, bool]]
//   eql        [[a, b, bool]]  (rubygems only: Gem::Version#eql?, stricter than ==)
//   stability  [[text, stability]]  (composer only: VersionParser::parseStability)

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(fileURLToPath(import.meta.url));
// The upstream test files are not kept here (only what is extracted from them): SOURCES=<dir> holds <eco>/<file>, fetched at the commits SOURCE.md names.
const SOURCES = process.env.SOURCES;
const UNKNOWN = Symbol('unknown');

// ---------------------------------------------------------------- tokenizer --
// Tokens: {t:'str'|'id'|'num'|'op'|'nl'|'words', v, line, interp?}
const OPS = ['<=>', '===', '!==', '**=', '...', '<<=', '>>=', '::', '=>', '->', '==', '!=', '<>', '<=', '>=', '&&', '||',
  '<<', '>>', '+=', '-=', '*=', '/=', '.=', '++', '--', '**'];

const PY_NAMES = { 'NARROW NO-BREAK SPACE': '\u202F', 'PARAGRAPH SEPARATOR': '\u2029', 'NO-BREAK SPACE': '\u00A0',
  'LINE SEPARATOR': '\u2028', 'EM SPACE': '\u2003', 'EN SPACE': '\u2002', 'ZERO WIDTH SPACE': '\u200B' };

function escape(lang, quote, s, i) {
  // s[i] === '\\'; returns [text, nextIndex]
  const c = s[i + 1];
  const simple = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', b: '\b', '\\': '\\', '"': '"', "'": "'", '0': '\0' };
  if (lang === 'php' && quote === "'") return c === '\\' || c === "'" ? [c, i + 2] : ['\\', i + 1];
  if (lang === 'ruby' && quote === "'") return c === '\\' || c === "'" ? [c, i + 2] : ['\\', i + 1];
  if (c === 'u') {
    if (s[i + 2] === '{') { const e = s.indexOf('}', i); return [String.fromCodePoint(parseInt(s.slice(i + 3, e), 16)), e + 1]; }
    return [String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16)), i + 6];
  }
  if (c === 'U' && lang === 'python') return [String.fromCodePoint(parseInt(s.slice(i + 2, i + 10), 16)), i + 10];
  if (c === 'x') { const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 2)); return [String.fromCharCode(parseInt(m[0], 16)), i + 2 + m[0].length]; }
  if (c === 'N' && lang === 'python' && s[i + 2] === '{') {
    const e = s.indexOf('}', i); const name = s.slice(i + 3, e);
    if (!(name in PY_NAMES)) throw new Error(`unknown \\N{${name}}`);
    return [PY_NAMES[name], e + 1];
  }
  if (c === 's' && (lang === 'ruby' || lang === 'java')) return [' ', i + 2];
  if (c === 'e' && (lang === 'ruby' || lang === 'php')) return ['\x1b', i + 2];
  if (c === '$' && lang === 'php') return ['$', i + 2];
  if (c in simple) return [simple[c], i + 2];
  if (lang === 'php' || lang === 'python') return ['\\', i + 1]; // unknown escapes are kept verbatim
  return [c, i + 2];
}

function tokenize(src, lang) {
  const toks = [];
  let i = 0, line = 1;
  const push = (t, v, extra = {}) => toks.push({ t, v, line, ...extra });
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') { if (lang === 'ruby' || lang === 'python') push('nl', '\n'); line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    // comments
    if ((lang === 'java' || lang === 'php') && src.startsWith('//', i)) { while (i < src.length && src[i] !== '\n') i++; continue; }
    if ((lang === 'java' || lang === 'php') && src.startsWith('/*', i)) {
      const e = src.indexOf('*/', i + 2); line += (src.slice(i, e).match(/\n/g) || []).length; i = e + 2; continue;
    }
    if ((lang === 'ruby' || lang === 'python' || lang === 'php') && c === '#') { while (i < src.length && src[i] !== '\n') i++; continue; }
    // ruby %w / %W word arrays
    if (lang === 'ruby' && c === '%' && /[wW]/.test(src[i + 1]) && /[[({<]/.test(src[i + 2])) {
      const open = src[i + 2], close = { '[': ']', '(': ')', '{': '}', '<': '>' }[open];
      const startLine = line; let j = i + 3, words = [], cur = null;
      while (src[j] !== close) {
        if (src[j] === '\\') {
          let txt, nj;
          if (src[i + 1] === 'W') [txt, nj] = escape('ruby', '"', src, j);
          else [txt, nj] = (src[j + 1] === ' ' || src[j + 1] === '\\') ? [src[j + 1], j + 2] : ['\\', j + 1];
          cur = (cur ?? '') + txt; j = nj; continue;
        }
        if (/\s/.test(src[j])) { if (src[j] === '\n') line++; if (cur !== null) words.push(cur); cur = null; j++; continue; }
        if (src[i + 1] === 'W' && src.startsWith('#{', j)) throw new Error('interpolation in %W not supported');
        cur = (cur ?? '') + src[j]; j++;
      }
      if (cur !== null) words.push(cur);
      toks.push({ t: 'words', v: words, line: startLine }); i = j + 1; continue;
    }
    // strings
    let prefix = '';
    if (lang === 'python') { const m = /^([rRbBuUfF]{1,2})(?=['"])/.exec(src.slice(i, i + 3)); if (m) { prefix = m[1].toLowerCase(); i += m[1].length; } }
    const q = src[i];
    if (q === '"' || q === "'") {
      const triple = lang === 'python' && src.startsWith(q.repeat(3), i);
      const delim = triple ? q.repeat(3) : q;
      let j = i + delim.length, out = '', interp = false; const startLine = line;
      while (!src.startsWith(delim, j)) {
        if (j >= src.length) throw new Error(`unterminated string at line ${startLine}`);
        if (src[j] === '\\' && !prefix.includes('r')) { const [txt, nj] = escape(lang, q, src, j); out += txt; j = nj; continue; }
        if (src[j] === '\\' && prefix.includes('r')) { out += src[j] + src[j + 1]; j += 2; continue; }
        if (q === '"' && lang === 'ruby' && src.startsWith('#{', j)) interp = true;
        if (q === '"' && lang === 'php' && src[j] === '$') interp = true;
        if (prefix.includes('f') && src[j] === '{') interp = true;
        if (src[j] === '\n') line++;
        out += src[j]; j++;
      }
      push('str', out, { interp, line: startLine, bytes: prefix.includes('b') });
      i = j + delim.length; continue;
    }
    let m;
    if ((m = /^[0-9][0-9_]*(\.[0-9]+)?/.exec(src.slice(i, i + 40)))) { push('num', Number(m[0].replace(/_/g, ''))); i += m[0].length; continue; }
    const idRe = { ruby: /^[$@]*[A-Za-z_][A-Za-z0-9_]*[?!]?/, php: /^\$?[A-Za-z_][A-Za-z0-9_]*/ }[lang] ?? /^[A-Za-z_][A-Za-z0-9_]*/;
    if ((m = idRe.exec(src.slice(i, i + 200)))) {
      // in ruby, `a?b` is unlikely in tests; a trailing ? before '(' or space is part of the name
      push('id', m[0]); i += m[0].length; continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) { push('op', op); i += op.length; continue; }
    push('op', c); i++;
  }
  return toks;
}

// ---------------------------------------------------------------- helpers ----
const OPEN = { '(': ')', '[': ']', '{': '}' };
function matchClose(toks, i) { // toks[i] is an opening bracket; returns index of its match
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    if (toks[j].t !== 'op') continue;
    if (toks[j].v in OPEN) depth++;
    else if (')]}'.includes(toks[j].v) && toks[j].v.length === 1) { depth--; if (depth === 0) return j; }
  }
  throw new Error(`unbalanced bracket at line ${toks[i].line}`);
}
function splitTop(toks, sep) { // split on op `sep` at bracket depth 0
  const parts = []; let cur = [], depth = 0;
  for (const t of toks) {
    if (t.t === 'op' && t.v in OPEN) depth++;
    if (t.t === 'op' && ')]}'.includes(t.v) && t.v.length === 1) depth--;
    if (depth === 0 && t.t === 'op' && t.v === sep) { parts.push(cur); cur = []; continue; }
    cur.push(t);
  }
  if (cur.length) parts.push(cur);
  return parts;
}
const is = (t, v) => t && t.v === v && (t.t === 'op' || t.t === 'id');
const isStr = (v) => typeof v === 'string';

// Relation asserted to hold (truth=true) or not (truth=false) -> order cmp or negative op
function relation(a, op, b, truth, sink) {
  op = { '=': '==', '===': '==', '<>': '!=', '!==': '!=' }[op] ?? op;
  const full = { 'true': { '<': -1, '>': 1, '==': 0 }, 'false': { '>=': -1, '<=': 1, '!=': 0 } }[truth];
  if (op in full) return sink.order(a, b, full[op]);
  const excluded = truth ? { '<=': '>', '>=': '<', '!=': '==' }[op] : op; // relation that does NOT hold
  return sink.negative(a, b, excluded);
}

class Sink {
  constructor(name, src) {
    this.name = name; this.srcLines = src.split('\n');
    this.data = { order: [], negative: [], normalize: [], valid: [], prerelease: [], eql: [], stability: [] };
    this.seen = new Set(); this.dups = 0; this.skipped = []; this.notes = [];
  }
  add(key, rec, keys) {
    if (keys.some((k) => this.seen.has(key + k))) { this.dups++; return; }
    this.seen.add(key + keys[0]); this.data[key].push(rec);
  }
  order(a, b, c) { this.add('order', [a, b, c], [JSON.stringify([a, b, c]), JSON.stringify([b, a, -c])]); }
  negative(a, b, op) {
    const mirror = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '==': '==', '!=': '!=' }[op];
    this.add('negative', [a, b, op], [JSON.stringify([a, b, op]), JSON.stringify([b, a, mirror])]);
  }
  normalize(a, b) { this.add('normalize', [a, b], [JSON.stringify([a, b])]); }
  valid(a, v) { this.add('valid', [a, v], [JSON.stringify([a, v])]); }
  prerelease(a, v) { this.add('prerelease', [a, v], [JSON.stringify([a, v])]); }
  eql(a, b, v) { this.add('eql', [a, b, v], [JSON.stringify([a, b, v]), JSON.stringify([b, a, v])]); }
  stability(a, s) { this.add('stability', [a, s], [JSON.stringify([a, s])]); }
  skip(line, reason) {
    if (this.skipped.some((s) => s.line === line && s.reason === reason)) return;
    this.skipped.push({ line, text: this.srcLines[line - 1].trim(), reason });
  }
}

// ------------------------------------------------------------------ Maven ----
// ComparableVersionTest.java: a tiny interpreter for the statement forms used.
function maven(src, sink) {
  const toks = tokenize(src, 'java');
  const classEnv = {};
  // class body
  const ci = toks.findIndex((t, i) => is(t, 'class') && toks[i + 1].t === 'id');
  const bodyOpen = toks.findIndex((t, i) => i > ci && is(t, '{'));
  const bodyClose = matchClose(toks, bodyOpen);
  const methods = [];
  let i = bodyOpen + 1, annotations = [];
  while (i < bodyClose) {
    if (is(toks[i], '@')) { annotations.push(toks[i + 1].v); i += 2; if (is(toks[i], '(')) i = matchClose(toks, i) + 1; continue; }
    // scan a member: up to ';' (field) or '(' ... ')' '{' (method)
    let j = i, depth = 0;
    while (!(depth === 0 && (is(toks[j], ';') || is(toks[j], '(') || (is(toks[j], '=') )))) j++;
    if (is(toks[j], '(')) { // method
      const name = toks[j - 1].v; const pc = matchClose(toks, j);
      let k = pc + 1; while (!is(toks[k], '{') && !is(toks[k], ';')) k++;
      if (is(toks[k], ';')) { i = k + 1; annotations = []; continue; }
      const end = matchClose(toks, k);
      methods.push({ name, annotations, body: toks.slice(k + 1, end), line: toks[j].line });
      i = end + 1; annotations = []; continue;
    }
    // field: find ';' at depth 0
    let k = j; while (!is(toks[k], ';')) { if (toks[k].t === 'op' && toks[k].v in OPEN) k = matchClose(toks, k); k++; }
    mavenStmt(toks.slice(i, k), classEnv, sink);
    i = k + 1; annotations = [];
  }
  const helpers = methods.filter((m) => !m.annotations.includes('Test')).map((m) => m.name);
  sink.notes.push(`helper methods (semantics hard-coded by name, not interpreted): ${[...new Set(helpers)].join(', ')}`);
  for (const m of methods.filter((m) => m.annotations.includes('Test'))) mavenBlock(m.body, { ...classEnv }, sink);
}

function mavenEval(tk, env) {
  if (!tk.length) return UNKNOWN;
  if (is(tk[0], 'new') && is(tk[1], 'ComparableVersion') && is(tk[2], '(') && matchClose(tk, 2) === tk.length - 1) {
    const v = mavenEval(tk.slice(3, -1), env); return isStr(v) ? { cv: v } : UNKNOWN;
  }
  if (is(tk[0], 'newComparable') && is(tk[1], '(') && matchClose(tk, 1) === tk.length - 1) {
    const v = mavenEval(tk.slice(2, -1), env); return isStr(v) ? { cv: v } : UNKNOWN;
  }
  let arr = null;
  if (is(tk[0], '{') && matchClose(tk, 0) === tk.length - 1) arr = tk.slice(1, -1);
  if (is(tk[0], 'new') && is(tk[1], 'String') && is(tk[2], '[') && is(tk[3], ']') && is(tk[4], '{') && matchClose(tk, 4) === tk.length - 1) arr = tk.slice(5, -1);
  if (arr) { const vals = splitTop(arr, ',').map((p) => mavenEval(p, env)); return vals.every(isStr) ? vals : UNKNOWN; }
  const parts = splitTop(tk, '+');
  let out = '';
  for (const p of parts) {
    let v = UNKNOWN;
    if (p.length === 1 && p[0].t === 'str') v = p[0].v;
    else if (p.length === 1 && p[0].t === 'id' && p[0].v in env) v = env[p[0].v];
    else if (is(p[0], '(') && matchClose(p, 0) === p.length - 1) v = mavenEval(p.slice(1, -1), env);
    if (parts.length === 1) return v;
    if (!isStr(v)) return UNKNOWN;
    out += v;
  }
  return out;
}

function mavenBlock(tk, env, sink) {
  let i = 0;
  while (i < tk.length) {
    const t = tk[i];
    if (is(t, 'for') && is(tk[i + 1], '(')) {
      const hc = matchClose(tk, i + 1); const header = tk.slice(i + 2, hc);
      let bs = hc + 1, be;
      if (is(tk[bs], '{')) { be = matchClose(tk, bs); } else { be = bs; while (!is(tk[be], ';')) be++; bs--; }
      const body = tk.slice(bs + 1, be);
      const colon = header.findIndex((x) => is(x, ':'));
      if (colon < 0) { sink.skip(t.line, 'classic for loop not interpreted'); i = be + 1; continue; }
      const name = header[colon - 1].v; const it = mavenEval(header.slice(colon + 1), env);
      if (Array.isArray(it)) for (const v of it) mavenBlock(body, { ...env, [name]: v }, sink);
      else mavenBlock(body, { ...env, [name]: UNKNOWN }, sink); // e.g. Locale loop: body runs, value unused
      i = be + 1; continue;
    }
    if ((is(t, 'try') || is(t, 'finally') || is(t, 'else')) && is(tk[i + 1], '{')) {
      const e = matchClose(tk, i + 1); mavenBlock(tk.slice(i + 2, e), env, sink); i = e + 1; continue;
    }
    if (is(t, '{')) { const e = matchClose(tk, i); mavenBlock(tk.slice(i + 1, e), env, sink); i = e + 1; continue; }
    let k = i; while (k < tk.length && !is(tk[k], ';')) { if (tk[k].t === 'op' && tk[k].v in OPEN) k = matchClose(tk, k); k++; }
    mavenStmt(tk.slice(i, k), env, sink);
    i = k + 1;
  }
}

function mavenStmt(st, env, sink) {
  if (!st.length) return;
  const line = st[0].line;
  // declaration / assignment: ... name = expr
  const eq = st.findIndex((x) => x.t === 'op' && x.v === '=');
  if (eq > 0 && st[eq - 1].t === 'id' && st.slice(0, eq).every((x) => x.t === 'id' || ['[', ']', '<', '>', '?', '.', ','].includes(x.v))) {
    const val = mavenEval(st.slice(eq + 1), env);
    env[st[eq - 1].v] = val;
    if (val === UNKNOWN && st.slice(eq + 1).some((x) => x.t === 'str')) sink.skip(line, 'initializer not understood');
    return;
  }
  if (st[0].t === 'id' && is(st[1], '(') && matchClose(st, 1) === st.length - 1) {
    const fn = st[0].v; const args = splitTop(st.slice(2, -1), ','); const ev = args.map((a) => mavenEval(a, env));
    const cv = (x) => (x && typeof x === 'object' && isStr(x.cv) ? x.cv : UNKNOWN);
    if (fn === 'checkVersionsOrder' && ev.length === 1 && Array.isArray(ev[0])) {
      const a = ev[0]; for (let x = 0; x < a.length; x++) for (let y = x + 1; y < a.length; y++) sink.order(a[x], a[y], -1); return;
    }
    if (fn === 'checkVersionsOrder' && ev.length === 2 && ev.every(isStr)) return sink.order(ev[0], ev[1], -1);
    if ((fn === 'checkVersionsEqual' || fn === 'checkVersionsHaveSameOrder') && ev.length === 2 && ev.every(isStr)) return sink.order(ev[0], ev[1], 0);
    if (fn === 'checkVersionsArrayEqual' && ev.length === 1 && Array.isArray(ev[0])) {
      const a = ev[0]; for (let x = 0; x < a.length; x++) for (let y = x; y < a.length; y++) sink.order(a[x], a[y], 0); return;
    }
    if (fn === 'assertTrue' && args.length >= 1) {
      const e = args[0]; // X . compareTo ( Y ) OP 0
      if (e.length >= 7 && e[0].t === 'id' && is(e[1], '.') && is(e[2], 'compareTo') && is(e[3], '(')) {
        const pc = matchClose(e, 3); const rest = e.slice(pc + 1);
        const x = cv(env[e[0].v]), y = cv(mavenEval(e.slice(4, pc), env));
        if (rest.length === 2 && rest[1].t === 'num' && rest[1].v === 0 && ['<', '>', '=='].includes(rest[0].v) && isStr(x) && isStr(y))
          return relation(x, rest[0].v, y, true, sink);
      }
    }
    if (fn === 'assertEquals' && args.length >= 2 && ev[0] !== UNKNOWN && isStr(ev[0])) {
      const e = args[1];
      if (e.length === 5 && e[0].t === 'id' && is(e[1], '.') && is(e[2], 'getCanonical') && is(e[3], '(') && is(e[4], ')') && isStr(cv(env[e[0].v])))
        return sink.normalize(cv(env[e[0].v]), ev[0]);
    }
    if (fn === 'newComparable') return sink.skip(line, 'only checks that getCanonical() round-trips; no expected value');
    return sink.skip(line, `call ${fn}(...) not understood`);
  }
  if (st[0].t === 'id' && is(st[1], '.')) { env[st[0].v] = UNKNOWN; return sink.skip(line, 'method call on an object is not interpreted (variable no longer tracked)'); }
  sink.skip(line, 'statement not understood');
}

// --------------------------------------------------------------- Composer ----
function phpValue(tk) {
  if (tk.length === 1) {
    const t = tk[0];
    if (t.t === 'str') return t.interp ? UNKNOWN : t.v;
    if (t.t === 'num') return t.v;
    if (t.t === 'id') return { true: true, false: false, null: null }[t.v.toLowerCase()] ?? UNKNOWN;
  }
  if (tk.length === 2 && is(tk[0], '-') && tk[1].t === 'num') return -tk[1].v;
  let inner = null;
  if (is(tk[0], 'array') && is(tk[1], '(') && matchClose(tk, 1) === tk.length - 1) inner = tk.slice(2, -1);
  if (is(tk[0], '[') && matchClose(tk, 0) === tk.length - 1) inner = tk.slice(1, -1);
  if (inner) return splitTop(inner, ',').map((p) => { const k = p.findIndex((x) => is(x, '=>')); return phpValue(k >= 0 ? p.slice(k + 1) : p); });
  return UNKNOWN;
}

function composerFile(src, sink) {
  const toks = tokenize(src, 'php');
  const fns = {}; // name -> {body, line}
  const providerOf = {};
  // @dataProvider lives in doc comments, which the tokenizer drops: read them from the raw text
  const dp = [...src.matchAll(/@dataProvider\s+(\w+)[\s\S]*?function\s+(\w+)/g)];
  for (const m of dp) providerOf[m[2]] = m[1];
  for (let i = 0; i < toks.length; i++) {
    if (is(toks[i], 'function') && toks[i + 1].t === 'id') {
      const name = toks[i + 1].v; const pc = matchClose(toks, i + 2); let bo = pc + 1;
      while (!is(toks[bo], '{') && !is(toks[bo], ';')) bo++;
      if (!is(toks[bo], '{')) continue;
      const be = matchClose(toks, bo); fns[name] = { body: toks.slice(bo + 1, be), line: toks[i].line }; i = be;
    }
  }
  const rows = (prov) => {
    const b = fns[prov].body; // return <array> ;
    if (!is(b[0], 'return')) { sink.skip(fns[prov].line, 'provider is not a single return statement'); return []; }
    const end = b.findIndex((x) => is(x, ';'));
    const arrTk = b.slice(1, end);
    const inner = is(arrTk[0], 'array') ? arrTk.slice(2, -1) : arrTk.slice(1, -1);
    const out = [];
    for (const p of splitTop(inner, ',')) {
      const k = p.findIndex((x) => is(x, '=>')); const v = phpValue(k >= 0 ? p.slice(k + 1) : p);
      if (!Array.isArray(v) || v.some((x) => x === UNKNOWN)) sink.skip(p[0].line, 'data row not a literal array');
      else out.push({ v, line: p[0].line });
    }
    return out;
  };
  const handled = new Set();
  for (const [test, prov] of Object.entries(providerOf)) {
    if (!fns[test] || !fns[prov]) continue;
    const body = fns[test].body.map((t) => t.v).join(' ');
    let kind = null, cmpOp = null;
    let m;
    if ((m = /Comparator :: (greaterThanOrEqualTo|lessThanOrEqualTo|greaterThan|lessThan|notEqualTo|equalTo) \(/.exec(body)))
      { kind = 'cmp'; cmpOp = { greaterThan: '>', greaterThanOrEqualTo: '>=', lessThan: '<', lessThanOrEqualTo: '<=', equalTo: '==', notEqualTo: '!=' }[m[1]]; }
    else if (/Comparator :: compare \( \$version1 , \$operator , \$version2 \)/.test(body)) kind = 'compare';
    else if (/assertSame \( \$expected , \$parser -> normalize \( \$input \) \)/.test(body)) kind = 'normalize';
    else if (/doExpectException .* \$parser -> normalize \( \$input \)/.test(body)) kind = 'normalizeFails';
    else if (/assertSame \( \$expected , \$parser -> isValid \( \$input \) \)/.test(body)) kind = 'valid';
    else if (/assertSame \( \$expected , VersionParser :: parseStability \( \$version \) \)/.test(body)) kind = 'stability';
    if (!kind) { sink.notes.push(`not extracted (out of scope): ${test} <- ${prov}`); continue; }
    handled.add(prov);
    for (const { v, line } of rows(prov)) {
      const bad = () => sink.skip(line, `row shape unexpected for ${test}`);
      if (kind === 'cmp') { if (v.length === 3 && isStr(v[0]) && isStr(v[1]) && typeof v[2] === 'boolean') relation(v[0], cmpOp, v[1], v[2], sink); else bad(); }
      else if (kind === 'compare') { if (v.length === 4 && typeof v[3] === 'boolean') relation(v[0], v[1], v[2], v[3], sink); else bad(); }
      else if (kind === 'normalize') { if (v.length === 2 && isStr(v[1])) sink.normalize(v[0], v[1]); else bad(); }
      else if (kind === 'normalizeFails') { if (v.length >= 1 && isStr(v[0])) sink.normalize(v[0], null); else bad(); }
      else if (kind === 'valid') { if (v.length === 2 && typeof v[1] === 'boolean') sink.valid(v[0], v[1]); else bad(); }
      else if (kind === 'stability') { if (v.length === 2) { sink.stability(v[1], v[0]); sink.prerelease(v[1], v[0] !== 'stable'); } else bad(); }
    }
  }
}

// --------------------------------------------------------------- RubyGems ----
function rubyStatements(toks) {
  // split into statements at newlines / ';' at bracket depth 0
  const stmts = []; let cur = [], depth = 0;
  for (const t of toks) {
    if (t.t === 'op' && t.v in OPEN) depth++;
    if (t.t === 'op' && ')]}'.includes(t.v) && t.v.length === 1) depth--;
    if (depth === 0 && (t.t === 'nl' || is(t, ';'))) { if (cur.length) stmts.push(cur); cur = []; continue; }
    if (t.t !== 'nl') cur.push(t);
  }
  if (cur.length) stmts.push(cur);
  // build a tree of blocks
  const root = { stmt: null, kids: [] }; const stack = [root];
  for (const s of stmts) {
    const top = stack[stack.length - 1];
    if (s.length === 1 && is(s[0], 'end')) { stack.pop(); continue; }
    const opener = ['def', 'class', 'module', 'begin', 'if', 'unless', 'while', 'until', 'case'].includes(s[0].v) && s[0].t === 'id';
    const doIdx = s.findIndex((t) => is(t, 'do'));
    const node = { stmt: s, kids: [] };
    top.kids.push(node);
    if (opener || doIdx >= 0) stack.push(node);
  }
  return root;
}

function rubyVal(tk, env) {
  if (!tk.length) return UNKNOWN;
  if (tk.length === 1 && tk[0].t === 'str') return tk[0].interp ? UNKNOWN : tk[0].v;
  if (tk.length === 1 && tk[0].t === 'words') return tk[0].v.slice();
  if (tk.length === 1 && tk[0].t === 'id' && tk[0].v in env) return env[tk[0].v];
  if (is(tk[0], '(') && matchClose(tk, 0) === tk.length - 1) return rubyVal(tk.slice(1, -1), env);
  if (is(tk[0], '[') && matchClose(tk, 0) === tk.length - 1) {
    const vals = splitTop(tk.slice(1, -1), ',').map((p) => rubyVal(p, env)); return vals.every(isStr) ? vals : UNKNOWN;
  }
  // v("x"), v("x").freeze, Gem::Version.new("x") / new "x"  -> {ver: "x"}
  let rest = null, inner = null;
  if (is(tk[0], 'v') && is(tk[1], '(')) { const c = matchClose(tk, 1); inner = tk.slice(2, c); rest = tk.slice(c + 1); }
  else if (is(tk[0], 'Gem') && is(tk[1], '::') && is(tk[2], 'Version') && is(tk[3], '.') && is(tk[4], 'new')) {
    if (is(tk[5], '(')) { const c = matchClose(tk, 5); inner = tk.slice(6, c); rest = tk.slice(c + 1); } else { inner = tk.slice(5); rest = []; }
  }
  if (inner) {
    const s = rubyVal(inner, env); const str = isStr(s) ? s : s && s.ver;
    if (!isStr(str)) return UNKNOWN;
    if (rest.length === 0 || (rest.length === 2 && is(rest[0], '.') && is(rest[1], 'freeze'))) return { ver: str };
    if (rest.length === 2 && is(rest[0], '.') && ['version', 'to_s'].includes(rest[1].v)) return { verString: str };
    return UNKNOWN;
  }
  return UNKNOWN;
}
const verOf = (x) => (isStr(x) ? x : x && isStr(x.ver) ? x.ver : UNKNOWN);

function rubyExec(nodes, env, sink) {
  for (const node of nodes) {
    const s = node.stmt; const line = s[0].line;
    const doIdx = s.findIndex((t) => is(t, 'do'));
    if (doIdx >= 0) {
      const head = s.slice(0, doIdx); const params = s.slice(doIdx + 1).filter((t) => t.t === 'id').map((t) => t.v);
      // RECV.each do |x|
      if (head.length >= 3 && is(head[head.length - 1], 'each') && is(head[head.length - 2], '.')) {
        const recv = rubyVal(head.slice(0, -2), env);
        if (Array.isArray(recv)) { for (const v of recv) rubyExec(node.kids, { ...env, [params[0]]: v }, sink); continue; }
        sink.skip(line, 'each over a value that is not a literal array'); continue;
      }
      // [e =] assert_raise ArgumentError, ... do Gem::Version.new X end
      const ar = head.findIndex((t) => is(t, 'assert_raise') || is(t, 'assert_raises'));
      if (ar >= 0 && is(head[ar + 1], 'ArgumentError')) {
        for (const k of node.kids) {
          const kv = rubyVal(k.stmt, env);
          if (kv && isStr(kv.ver)) sink.valid(kv.ver, false); else sink.skip(k.stmt[0].line, 'statement inside assert_raise not understood');
        }
        continue;
      }
      rubyExec(node.kids, env, sink); // other blocks (capture_output ...): run their body
      continue;
    }
    if (is(s[0], 'def') || is(s[0], 'class')) { sink.skip(line, 'nested definition'); continue; }
    // assignment / append
    if (s[0].t === 'id' && is(s[1], '=') ) {
      const val = rubyVal(s.slice(2), env); env[s[0].v] = val;
      if (val === UNKNOWN) sink.skip(line, 'assignment of a value that is not a literal version/array');
      continue;
    }
    if (s[0].t === 'id' && is(s[1], '<<')) {
      const arr = env[s[0].v]; const val = rubyVal(s.slice(2), env);
      if (Array.isArray(arr) && isStr(val)) arr.push(val); else sink.skip(line, 'append not understood');
      continue;
    }
    if (s[0].t !== 'id') { sink.skip(line, 'statement not understood'); continue; }
    const fn = s[0].v;
    const argTk = is(s[1], '(') && matchClose(s, 1) === s.length - 1 ? s.slice(2, -1) : s.slice(1);
    const args = splitTop(argTk, ',');
    const vals = args.map((a) => rubyVal(a, env));
    const two = () => args.length >= 2 && isStr(verOf(vals[0])) && isStr(verOf(vals[1]));
    const why = (r) => sink.skip(line, r);
    switch (fn) {
      case 'assert_version_equal': if (two()) sink.order(verOf(vals[0]), verOf(vals[1]), 0); else why('argument is not a literal version (derived value: bump/release/Integer)'); continue;
      case 'refute_version_equal': if (two()) sink.negative(verOf(vals[0]), verOf(vals[1]), '=='); else why('argument is not a literal version'); continue;
      case 'assert_less_than': if (two()) sink.order(verOf(vals[0]), verOf(vals[1]), -1); else why('argument is not a literal version'); continue;
      case 'assert_version_eql': if (two()) sink.eql(verOf(vals[0]), verOf(vals[1]), true); else why('argument is not a literal version'); continue;
      case 'refute_version_eql': if (two()) sink.eql(verOf(vals[0]), verOf(vals[1]), false); else why('argument is not a literal version'); continue;
      case 'assert_prerelease': case 'refute_prerelease':
        if (isStr(verOf(vals[0]))) sink.prerelease(verOf(vals[0]), fn === 'assert_prerelease'); else why('argument is not a literal version'); continue;
      case 'assert_equal': {
        if (args.length >= 2) {
          const a = args[0], b = args[1];
          const num = a.length === 1 && a[0].t === 'num' ? a[0].v : a.length === 2 && is(a[0], '-') && a[1].t === 'num' ? -a[1].v : null;
          const sp = b.findIndex((t) => is(t, '<=>'));
          if (num !== null && sp > 0) {
            const x = verOf(rubyVal(b.slice(0, sp), env)), y = verOf(rubyVal(b.slice(sp + 1), env));
            if (isStr(x) && isStr(y)) { sink.order(x, y, num); continue; }
          }
          if (a.length === 1 && (is(a[0], 'true') || is(a[0], 'false')) && b.length === 8 && is(b[0], 'Gem') && is(b[2], 'Version') && is(b[4], 'correct?') && is(b[5], '(')) {
            const x = rubyVal(b.slice(6, 7), env); if (isStr(x)) { sink.valid(x, a[0].v === 'true'); continue; }
          }
          const bv = rubyVal(b, env);
          if (isStr(vals[0]) && bv && isStr(bv.verString)) { sink.normalize(bv.verString, vals[0]); continue; }
        }
        why('assert_equal on something other than <=>, correct?, version/to_s'); continue;
      }
      default: why(`${fn} not extracted (not order/equality/prerelease/validity of literals)`);
    }
  }
}

function rubygems(src, sink) {
  const root = rubyStatements(tokenize(src, 'ruby'));
  const walk = (nodes) => {
    for (const n of nodes) {
      if (is(n.stmt[0], 'class') || is(n.stmt[0], 'module')) walk(n.kids);
      else if (is(n.stmt[0], 'def') && /^test_/.test(n.stmt[1].v)) rubyExec(n.kids, {}, sink);
    }
  };
  walk(root.kids);
}

// ----------------------------------------------------------------- PyPI ------
function pyValue(tk, env) {
  // adjacent string literal concatenation
  if (tk.length && tk.every((t) => t.t === 'str')) return tk.some((t) => t.interp || t.bytes) ? UNKNOWN : tk.map((t) => t.v).join('');
  if (tk.length === 1 && tk[0].t === 'num') return tk[0].v;
  if (tk.length === 1 && tk[0].t === 'id') { const k = { True: true, False: false, None: null }; return tk[0].v in k ? k[tk[0].v] : tk[0].v in env ? env[tk[0].v] : UNKNOWN; }
  if ((is(tk[0], '[') || is(tk[0], '(')) && matchClose(tk, 0) === tk.length - 1) {
    const inner = tk.slice(1, -1);
    if (inner.some((t) => is(t, 'for'))) return UNKNOWN; // comprehension
    return splitTop(inner, ',').map((p) => pyValue(p, env));
  }
  return UNKNOWN;
}
const deepKnown = (v) => v !== UNKNOWN && (!Array.isArray(v) || v.every(deepKnown));

function pypi(src, sink) {
  const toks = tokenize(src, 'python');
  const lines = src.split('\n');
  const env = {};
  // module-level NAME = [ ... ]
  for (let i = 0; i < toks.length; i++) {
    if (toks[i].t === 'id' && is(toks[i + 1], '=') && is(toks[i + 2], '[') && (i === 0 || toks[i - 1].t === 'nl') && lines[toks[i].line - 1].startsWith(toks[i].v)) {
      const c = matchClose(toks, i + 2); env[toks[i].v] = pyValue(toks.slice(i + 2, c + 1).filter((t) => t.t !== 'nl'), env); i = c;
    }
  }
  if (!Array.isArray(env.VERSIONS) || !env.VERSIONS.every(isStr)) throw new Error('VERSIONS not found');
  // functions: def name(...) with decorators, body = following lines with deeper indentation
  const indent = (s) => /^\s*/.exec(s)[0].length;
  const funcs = [];
  let decoStart = null;
  for (let ln = 0; ln < lines.length; ln++) {
    if (/^\s*@/.test(lines[ln]) && decoStart === null) decoStart = ln;
    const m = /^(\s*)def (\w+)\(/.exec(lines[ln]);
    if (!m) {
      // a non-blank line at the decorator's indentation that is not a decorator or a closing bracket ends it
      if (decoStart !== null && lines[ln].trim() && indent(lines[ln]) <= indent(lines[decoStart]) && !/^\s*[@)\]]/.test(lines[ln])) decoStart = null;
      continue;
    }
    let end = ln + 1; while (end < lines.length && !/\)\s*(->.*)?:\s*$/.test(lines[end - 1])) end++;
    let bodyEnd = end; while (bodyEnd < lines.length && (lines[bodyEnd].trim() === '' || indent(lines[bodyEnd]) > m[1].length)) bodyEnd++;
    funcs.push({ name: m[2], deco: decoStart === null ? [ln + 1, ln] : [decoStart + 1, ln], body: [end + 1, bodyEnd], line: ln + 1 });
    decoStart = null;
  }
  const tokIn = (a, b) => toks.filter((t) => t.line >= a && t.line <= b && t.t !== 'nl');
  for (const f of funcs) {
    const bodyText = lines.slice(f.body[0] - 1, f.body[1]).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).join(' ');
    // --- parametrize tables
    const dt = tokIn(...f.deco);
    for (let i = 0; i < dt.length; i++) {
      if (!(is(dt[i], 'parametrize') && is(dt[i + 1], '('))) continue;
      const c = matchClose(dt, i + 1); const args = splitTop(dt.slice(i + 2, c), ',');
      const table = pyValue(args[1], env);
      let kind = null;
      if (/^Version\(version\)$/.test(bodyText)) kind = 'valid';
      else if (/^with pytest\.raises\(InvalidVersion\): Version\(version\)$/.test(bodyText)) kind = 'invalid';
      else if (/^assert str\(Version\(version\)\) == (\w+)\b/.test(bodyText)) kind = 'normalize';
      else if (/^assert Version\(version\)\.is_prerelease is expected$/.test(bodyText)) kind = 'prerelease';
      if (!kind) {
        sink.notes.push(`not extracted: parametrized ${f.name} (${/comparison/.test(f.name) ? 'generated from VERSIONS by comprehension; same information as the VERSIONS pairs' : 'out of scope'})`);
        continue;
      }
      if (!deepKnown(table)) { sink.skip(f.deco[0], `parametrize table of ${f.name} is not literal`); continue; }
      for (const row of table) {
        if (kind === 'valid' && isStr(row)) sink.valid(row, true);
        else if (kind === 'invalid' && isStr(row)) sink.valid(row, false);
        else if (kind === 'normalize' && Array.isArray(row) && row.length === 2) sink.normalize(row[0], row[1]);
        else if (kind === 'prerelease' && Array.isArray(row) && row.length === 2) sink.prerelease(row[0], row[1]);
        else sink.skip(f.deco[0], `row of ${f.name} has unexpected shape: ${JSON.stringify(row)}`);
      }
    }
    // --- plain statements in the body
    const vars = {}; const results = {};
    const operand = (s) => {
      s = s.trim(); let m;
      if ((m = /^Version\(("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\)$/.exec(s))) return pyValue(tokenize(m[1], 'python'), {});
      if (/^\w+$/.test(s) && s in vars) return vars[s];
      return UNKNOWN;
    };
    const cmpRe = /^(.+?)\s*(<=|>=|==|!=|<|>)\s*(.+)$/;
    const parseCmp = (s) => { const m = cmpRe.exec(s); if (!m) return null; return { a: operand(m[1]), op: m[2], b: operand(m[3]) }; };
    for (let ln = f.body[0]; ln <= f.body[1]; ln++) {
      const raw = lines[ln - 1]; const s = raw.trim().replace(/(^|\s+)#.*$/, ''); let m;
      // a tracked variable mentioned outside an assert / a plain comparison may be mutated
      // (e.g. reset_version_parts(v, ...)): stop trusting it
      if (s && !/^assert /.test(s) && !/^\w+ = (Version\(.*\)|\w+|[^=]*?(<=|>=|==|!=|<|>)[^=]*)$/.test(s))
        for (const name of Object.keys(vars)) if (new RegExp(`\\b${name}\\b`).test(s)) vars[name] = UNKNOWN;
      if ((m = /^(\w+) = Version\((.*)\)$/.exec(s))) { vars[m[1]] = operand(`Version(${m[2]})`); continue; }
      if ((m = /^(\w+) = (\w+)$/.exec(s))) { vars[m[1]] = vars[m[2]] ?? UNKNOWN; continue; }
      if ((m = /^(\w+) = (.*)$/.exec(s))) { const c = parseCmp(m[2]); if (c) results[m[1]] = c; vars[m[1]] = UNKNOWN; continue; }
      if ((m = /^assert isinstance\(parse\(("[^"]*")\), Version\)$/.exec(s))) { sink.valid(pyValue(tokenize(m[1], 'python'), {}), true); continue; }
      if ((m = /^(?:parse|Version)\(("[^"]*")\)$/.exec(s)) && /with pytest\.raises\(InvalidVersion\):/.test(lines[ln - 2])) { sink.valid(pyValue(tokenize(m[1], 'python'), {}), false); continue; }
      let truth = true, expr = null;
      if ((m = /^assert not \((.*)\)$/.exec(s))) { truth = false; expr = m[1]; }
      else if ((m = /^assert (\w+) is (True|False)$/.exec(s)) && results[m[1]]) { const r = results[m[1]]; if (isStr(r.a) && isStr(r.b)) { relation(r.a, r.op, r.b, m[2] === 'True', sink); continue; } expr = null; }
      else if ((m = /^assert (.*)$/.exec(s))) expr = m[1];
      if (!expr) { if (/^assert \w+ is (True|False)$/.test(s)) sink.skip(ln, 'result of a comparison between untracked values'); continue; }
      const c = parseCmp(expr);
      if (!c) continue;
      if (isStr(c.a) && isStr(c.b)) { relation(c.a, c.op, c.b, truth, sink); continue; }
      // report only comparisons whose both sides look like versions
      const m2 = cmpRe.exec(expr); const looks = (x) => /^(Version\(.*\)|\w+)$/.test(x.trim()) && !/^\d+$|^(True|False|None)$/.test(x.trim());
      if (looks(m2[1]) && looks(m2[3]) && !/\.(major|minor|micro|epoch)$/.test(m2[1])) sink.skip(ln, 'operand is not a literal Version (other type, replace(), cache test, ...)');
    }
  }
  // VERSIONS is documented as "must be in the correct sorting order" and the comparison tests
  // assert lt for every i<j; emit those pairs
  const V = env.VERSIONS;
  for (let x = 0; x < V.length; x++) for (let y = x + 1; y < V.length; y++) sink.order(V[x], V[y], -1);
}

// ------------------------------------------------------------------- main ----
const ECOS = [
  { eco: 'maven', files: ['ComparableVersionTest.java'], run: maven },
  { eco: 'composer', files: ['VersionParserTest.php', 'ComparatorTest.php'], run: composerFile },
  { eco: 'rubygems', files: ['test_gem_version.rb'], run: rubygems },
  { eco: 'pypi', files: ['test_version.py'], run: pypi },
];

function stringify(obj) { // one case per line, stable
  const keys = Object.keys(obj);
  return '{\n' + keys.map((k) => {
    const v = obj[k];
    if (!Array.isArray(v)) return `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`;
    return `  ${JSON.stringify(k)}: [\n${v.map((r) => '    ' + JSON.stringify(r)).join(',\n')}\n  ]`;
  }).join(',\n') + '\n}\n';
}

const report = {};
for (const { eco, files, run } of ECOS) {
  // cite repo/commit/path from SOURCE.md ("- repo: ...", "- commit: ...", "- path: ...")
  const meta = readFileSync(join(ROOT, eco, 'SOURCE.md'), 'utf8');
  const field = (k) => [...meta.matchAll(new RegExp(`^- ${k}: (\\S+)`, 'gm'))].map((m) => m[1]);
  const [repo] = field('repo'), [commit] = field('commit');
  const out = { source: field('path').map((p) => `https://github.com/${repo}/blob/${commit}/${p}`).join(' ') };
  const rep = { counts: {}, duplicates: 0, skipped: [], notes: [] };
  const merged = {};
  const sinks = [];
  for (const f of files) {
    const src = readFileSync(join(SOURCES ?? join(ROOT, eco, 'source'), SOURCES ? eco : '', f), 'utf8');
    const sink = new Sink(eco, src);
    run(src, sink);
    sinks.push(sink);
    rep.duplicates += sink.dups;
    rep.skipped.push(...sink.skipped.map((s) => ({ file: f, ...s })));
    rep.notes.push(...sink.notes.map((n) => `${f}: ${n}`));
  }
  // merge (files contribute disjoint kinds in practice; dedupe again across files)
  const all = new Sink(eco, '');
  for (const s of sinks) for (const [k, rows] of Object.entries(s.data)) for (const r of rows) all[k](...r);
  rep.duplicates += all.dups;
  for (const [k, rows] of Object.entries(all.data)) if (rows.length) { merged[k] = rows; rep.counts[k] = rows.length; }
  Object.assign(out, merged);
  writeFileSync(join(ROOT, eco, 'cases.json'), stringify(out));
  report[eco] = rep;
  console.log(eco, JSON.stringify(rep.counts), `dups=${rep.duplicates}`, `skipped=${rep.skipped.length}`);
}
if (process.argv.includes('--report')) writeFileSync(join(ROOT, 'report.json'), JSON.stringify(report, null, 2) + '\n');
