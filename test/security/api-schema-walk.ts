/**
 * Walks the API's zod request schemas (src/shared/api-schema.ts) so that the validation tests cover every method
 * in API_METHODS, including ones added later: a valid example made from the schema, the policy every schema
 * must follow (strict objects, bounded strings and arrays), and malformed variants of a valid request.
 */
import type { z } from 'zod';

type Def = { type: string } & Record<string, unknown>;
export const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;
const checksOf = (s: unknown): Record<string, unknown>[] =>
  ((defOf(s).checks as unknown[] | undefined) ?? []).map((c) => (c as { _zod: { def: Record<string, unknown> } })._zod.def);
const ok = (s: unknown, v: unknown): boolean => (s as z.ZodType).safeParse(v).success;

const NONE = Symbol('none');

/** String candidates for examples, tried in order until one passes the field's own checks. */
const STRINGS = ['c1/segmentations/liver.nii.gz', '/data/dataset', 'sha256-0123abcd', '20250131T235959123Z', 'a', 'x'.repeat(8)];

/** A value that the schema accepts, built from its structure; NONE when that fails. */
export function exampleOf(schema: unknown): unknown {
  const d = defOf(schema);
  const pick = (candidates: unknown[]): unknown => candidates.find((c) => ok(schema, c)) ?? NONE;
  switch (d.type) {
    case 'string':
      return pick(STRINGS);
    case 'number':
    case 'int':
      return pick([1, 0, 0.5, 100, -1]);
    case 'boolean':
      return true;
    case 'enum':
      return Object.values(d.entries as Record<string, unknown>)[0];
    case 'literal':
      return (d.values as unknown[])[0];
    case 'undefined':
      return undefined;
    case 'null':
      return null;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return exampleOf(d.innerType);
    case 'pipe':
      return exampleOf(d.in);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, f] of Object.entries(d.shape as Record<string, unknown>)) {
        const v = exampleOf(f);
        if (v === NONE) return NONE;
        if (v !== undefined) out[k] = v;
      }
      return ok(schema, out) ? out : NONE;
    }
    case 'array': {
      const v = exampleOf(d.element);
      return v === NONE ? NONE : pick([[v], []]);
    }
    case 'tuple': {
      const items = (d.items as unknown[]).map(exampleOf);
      return items.includes(NONE) ? NONE : items;
    }
    case 'union': {
      const options = (d.options as unknown[]).map(exampleOf);
      const i = options.findIndex((v) => v !== NONE && ok(schema, v));
      return i < 0 ? NONE : options[i];
    }
    case 'custom':
      return pick([new Uint8Array(8), new Float32Array(8), new Int16Array(8), new Uint16Array(8)]);
    default:
      return NONE;
  }
}
export const isNone = (v: unknown): boolean => v === NONE;

/**
 * Where a schema leaves input unbounded or open: objects that accept unknown keys, strings and arrays without a
 * maximum, any/unknown/record values. Paths like `score.labelPaths[]`.
 */
export function policyViolations(schema: unknown, path: string): string[] {
  const d = defOf(schema);
  const checks = checksOf(schema);
  const bounded = checks.some((c) => c.check === 'max_length' || c.check === 'length_equals');
  switch (d.type) {
    case 'object': {
      const strict = d.catchall !== undefined && defOf(d.catchall).type === 'never';
      const own = strict ? [] : [`${path}: object accepts unknown keys (use .strict())`];
      return own.concat(...Object.entries(d.shape as Record<string, unknown>).map(([k, f]) => policyViolations(f, `${path}.${k}`)));
    }
    case 'string': {
      // A regex anchored at both ends with bounded repetition bounds the length as well as a maximum does.
      const regexBounded = checks.some((c) => c.format === 'regex' && /^\^.*\$$/.test(String((c.pattern as RegExp).source)) && !/[*+]|\{\d+,\}/.test((c.pattern as RegExp).source));
      return bounded || regexBounded ? [] : [`${path}: string without a maximum length`];
    }
    case 'array':
      return (bounded ? [] : [`${path}: array without a maximum length`]).concat(policyViolations(d.element, `${path}[]`));
    case 'tuple':
      return (d.items as unknown[]).flatMap((s, i) => policyViolations(s, `${path}[${i}]`));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return policyViolations(d.innerType, path);
    case 'pipe':
      return policyViolations(d.in, path);
    case 'union':
      return (d.options as unknown[]).flatMap((s, i) => policyViolations(s, `${path}|${i}`));
    case 'any':
    case 'unknown':
    case 'record':
    case 'map':
    case 'set':
      return [`${path}: ${d.type} accepts arbitrary content`];
    default:
      return [];
  }
}

export interface Mutation {
  /** Where in the request (e.g. `labelPaths`, `` for the whole argument). */
  path: string;
  what: string;
  request: unknown;
}

const PATH_LIKE = /root|path|dir|folder|file/i;
/** Values of each JSON-ish kind, for "a value of the wrong type". */
const KINDS: [string, () => unknown][] = [
  ['null', () => null],
  ['a number', () => 1],
  ['a string', () => 'x'],
  ['a boolean', () => true],
  ['an array', () => []],
  ['an object', () => ({})],
  ['bytes', () => new Uint8Array(1)],
];
const kindOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : ArrayBuffer.isView(v) ? 'bytes' : typeof v === 'number' ? 'a number' : typeof v === 'string' ? 'a string' : typeof v === 'boolean' ? 'a boolean' : typeof v === 'object' ? 'an object' : typeof v;

/** Malformed variants of `value` (valid for `schema`), each wrong in one place only. */
export function mutations(schema: unknown, value: unknown, path = '', key = ''): Mutation[] {
  const d = defOf(schema);
  const out: Mutation[] = [];
  const add = (what: string, request: unknown): void => void out.push({ path, what, request });
  if (d.type === 'optional' || d.type === 'nullable' || d.type === 'default' || d.type === 'readonly') {
    // The wrapper admits undefined (optional, default) or null (nullable): those are not malformed here.
    const inner = mutations(d.innerType, value === undefined || value === null ? exampleOf(d.innerType) : value, path, key);
    const admitted = d.type === 'nullable' ? null : d.type === 'readonly' ? NONE : undefined;
    return inner.filter((m) => m.request !== admitted);
  }
  // The wrong kind of value altogether (a kind the schema's own example does not have).
  const expected = kindOf(value);
  if (d.type !== 'union' && d.type !== 'custom') {
    for (const [kind, make] of KINDS) if (kind !== expected) add(`${kind} instead of ${expected}`, make());
  }
  switch (d.type) {
    case 'string':
      add('a 1 MiB string', 'x'.repeat(1 << 20));
      if (PATH_LIKE.test(key)) add('a path with a NUL byte', `${String(value)}\u0000.txt`);
      break;
    case 'number':
    case 'int':
      add('NaN', NaN);
      add('Infinity', Infinity);
      break;
    case 'enum':
      add('a value outside the enum', 'not-one-of-the-options');
      break;
    case 'custom':
      for (const [what, v] of [
        ['null', null],
        ['a string', 'AAAA'],
        ['a plain array', [1, 0, 1]],
        ['an array-like object', { length: 3, 0: 1 }],
        ['an ArrayBuffer', new ArrayBuffer(8)],
        ['another typed array', value instanceof Int16Array ? new Float64Array(8) : new Int16Array(8)],
      ] as [string, unknown][]) add(what, v);
      break;
    case 'union':
      for (const [kind, make] of KINDS) if (!(d.options as unknown[]).some((o) => ok(o, make()))) add(kind, make());
      break;
    case 'array': {
      const max = checksOf(schema).find((c) => c.check === 'max_length')?.maximum as number | undefined;
      const item = (value as unknown[])[0] ?? exampleOf(d.element);
      // Arrays up to a few million entries are cheap to build; the bound must refuse one more.
      if (max !== undefined && max < 4_000_000) add(`${max + 1} entries (the maximum is ${max})`, new Array(max + 1).fill(item));
      for (const m of mutations(d.element, item, `${path}[0]`, key)) out.push({ ...m, request: [m.request] });
      break;
    }
    case 'object': {
      const obj = value as Record<string, unknown>;
      const shape = d.shape as Record<string, unknown>;
      add('an unknown key', { ...obj, bogusField: 1 });
      add('a "__proto__" key (prototype pollution)', { ...obj, ...(JSON.parse('{"__proto__": {"polluted": true}}') as object) });
      add('a "constructor" key', { ...obj, constructor: { prototype: { polluted: true } } });
      for (const [k, f] of Object.entries(shape)) {
        if (!ok(f, undefined)) {
          const rest = { ...obj };
          delete rest[k];
          out.push({ path: join(path, k), what: `"${k}" missing`, request: rest });
        }
        for (const m of mutations(f, obj[k], join(path, k), k)) out.push({ ...m, request: { ...obj, [k]: m.request } });
      }
      break;
    }
    default:
      break;
  }
  return out;
}

const join = (path: string, k: string): string => (path ? `${path}.${k}` : k);
