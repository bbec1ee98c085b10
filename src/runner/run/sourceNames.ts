/**
 * Names from the source: the identifier (or destructuring pattern) a call at a position is
 * assigned to. Each source file is scanned on first use (src/runner/run/names.ts).
 */
import type { SourcePos } from '../../protocol/trace';
import { posKey, scanBindings, type NameIndex, type Pattern } from './names';

export interface SourceNames {
  nameAt(pos: SourcePos | undefined): string | undefined;
  patternAt(pos: SourcePos | undefined): Pattern | undefined;
}

/** `sourceText(file)`: a file's text (read once); `entry`: the scratch file (positions without `file`). */
export function sourceNames(sourceText: (file: string) => string, entry: string): SourceNames {
  const nameIndexes = new Map<string, { names: NameIndex; patterns: Map<string, Pattern> }>();
  const nameIndex = (file: string): { names: NameIndex; patterns: Map<string, Pattern> } => {
    let idx = nameIndexes.get(file);
    if (!idx) {
      idx = scanBindings(sourceText(file));
      nameIndexes.set(file, idx);
    }
    return idx;
  };
  // Positions are shared objects (one per call site), so answers are cached per object: asked
  // for every op and gradient call, they cost a map lookup, not a key string and two lookups.
  const perPosition = <T>(pick: (idx: { names: NameIndex; patterns: Map<string, Pattern> }, key: string) => T | undefined): ((pos: SourcePos | undefined) => T | undefined) => {
    const cache = new Map<SourcePos, T | null>();
    return (pos) => {
      if (!pos) return undefined;
      let v = cache.get(pos);
      if (v === undefined) {
        v = pick(nameIndex(pos.file ?? entry), posKey(pos.line, pos.column)) ?? null;
        cache.set(pos, v);
      }
      return v ?? undefined;
    };
  };
  const nameAt = perPosition((idx, key) => idx.names.get(key));
  const patternAt = perPosition((idx, key) => idx.patterns.get(key));

  return { nameAt, patternAt };
}
