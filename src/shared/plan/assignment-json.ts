/** The assignment file as JSON: the document itself, two-space indented, one item per few lines. */
import { AssignmentFormatError, validateAssignment, type Assignment } from './assignment';

export function assignmentToJson(a: Assignment): string {
  return `${JSON.stringify(a, null, 2)}\n`;
}

/** 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Line of a JSON syntax error: V8 words it "... at position N" or "(line L column C)" depending on the version. */
function syntaxErrorLine(text: string, message: string): number | null {
  const l = /line (\d+)/.exec(message);
  if (l) return Number(l[1]);
  const p = /position (\d+)/.exec(message);
  return p ? lineAt(text, Number(p[1])) : null;
}

/**
 * Line of the i-th item and of each top-level field in a JSON text, found by a light scan of the structure (strings
 * skipped, depth tracked), so a schema error can point at the line to fix.
 */
function jsonLines(text: string): { items: number[]; fields: Map<string, number> } {
  const items: number[] = [];
  const fields = new Map<string, number>();
  let depth = 0;
  let line = 1;
  let inItems = false;
  let lastKey: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '"') {
      let j = i + 1;
      let s = '';
      for (; j < text.length && text[j] !== '"'; j++) s += text[j] === '\\' ? text[++j] : text[j];
      i = j;
      lastKey = s;
      if (depth === 1) {
        let k = i + 1;
        while (k < text.length && /\s/.test(text[k])) k++;
        if (text[k] === ':') fields.set(s, line);
      }
    } else if (c === '{' || c === '[') {
      if (depth === 2 && inItems && c === '{') items.push(line);
      if (depth === 1 && c === '[') inItems = lastKey === 'items';
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 1) inItems = false;
    }
  }
  return { items, fields };
}

export function parseAssignmentJson(text: string, file: string): Assignment {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new AssignmentFormatError(file, syntaxErrorLine(text, msg), `not JSON (${msg})`);
  }
  let lines: ReturnType<typeof jsonLines> | null = null;
  const scan = (): ReturnType<typeof jsonLines> => (lines ??= jsonLines(text));
  return validateAssignment(value, file, { item: (i) => scan().items[i], field: (name) => scan().fields.get(name) });
}
