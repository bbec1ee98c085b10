/**
 * Finds `file:line[:col]` references in console text and stack traces: the panel makes them links, and
 * the host opens a file for the panel only when it is one of these references (or a position the trace
 * records), so a forged message cannot open anything else.
 */
import type { SourcePos, Trace } from './trace';

export interface TextPart {
  text: string;
  pos?: SourcePos;
}

const REF = /((?:[A-Za-z]:)?[^\s:()'"`<>]*\.(?:[cm]?[jt]sx?)):(\d+)(?::(\d+))?/g;

/**
 * Splits text into plain parts and file references. A reference to the scratch file itself (same
 * path, or its base name alone) gets no `file`, so the host opens the scratch document.
 */
export function splitFileRefs(text: string, scratchFile: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  const base = scratchFile.split(/[\\/]/).pop();
  for (const m of text.matchAll(REF)) {
    const [all, file, line, col] = m;
    const start = m.index!;
    if (start > last) parts.push({ text: text.slice(last, start) });
    const isScratch = file === scratchFile || file === base || scratchFile.endsWith(`/${file}`);
    const absolute = file.startsWith('/') || /^[A-Za-z]:/.test(file);
    if (!isScratch && !absolute) {
      parts.push({ text: all }); // a relative path we cannot resolve: plain text
    } else {
      parts.push({ text: all, pos: { line: Number(line), column: col ? Number(col) : 1, ...(isScratch ? {} : { file }) } });
    }
    last = start + all.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/**
 * Whether `pos` (a position with a `file` other than the scratch file) is one the trace itself names:
 * a recorded position, or a reference {@link splitFileRefs} parsed from console text or the error's stack.
 * File and line must both match; a mere substring of the text (say "/") is not a reference.
 */
export function traceRefersTo(trace: Trace, pos: SourcePos): boolean {
  const file = pos.file;
  if (!file) return true;
  const same = (p?: SourcePos) => p?.file === file && p.line === pos.line;
  const parsed = (text: string | undefined) => !!text && splitFileRefs(text, trace.file).some((part) => same(part.pos));
  return (
    same(trace.error?.pos) ||
    parsed(trace.error?.stack) ||
    trace.diagnostics.some((d) => same(d.pos)) ||
    trace.console.some((c) => same(c.pos) || parsed(c.text)) ||
    trace.tapes.some((t) => t.nodes.some((n) => same(n.pos)))
  );
}
