/** Finds `file:line[:col]` references in console text and stack traces, for clickable links. */
import type { SourcePos } from '../../src/protocol/trace';

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
