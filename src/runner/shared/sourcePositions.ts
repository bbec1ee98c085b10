/**
 * Bundle positions → `.grad.ts` positions through the bundle's source map, for the bundler process
 * (which instruments the bundle, src/runner/shared/instrument.ts) and the run thread (stack frames).
 */
import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import type { SourcePos } from '../../protocol/trace';

export interface SourcePositions {
  /** Bundle line/column (1-based) → the user's position; one object per generated position (cached). */
  mapPosition(line: number, column: number): SourcePos | undefined;
  /** The source name of the identifier the bundle has at line/column (esbuild may have renamed it). */
  identifierAt(line: number, column: number): string | undefined;
  /** The text of a bundled file (the entry's is the editor's), read once. */
  sourceText(file: string): string;
  /** Cache key of a generated position, as mapPosition keys it. */
  readonly cache: Map<number, SourcePos | null>;
}

const IDENTIFIER = /^[A-Za-z_$\u00a0-\uffff][\w$\u00a0-\uffff]*/;

export const positionKey = (line: number, column: number): number => line * 65536 + column;

/**
 * `entry` is the scratch file; its text is `entryText` (it may be unsaved), others are read from disk.
 * Without a map the bundle's positions are the entry's own (a type-stripped file, bundler/stripScratch.ts).
 */
export function sourcePositions(mapJson: string | undefined, entry: string, entryText: string): SourcePositions {
  if (mapJson === undefined) return ownPositions(entry, entryText);
  // Read on first use: a run whose bundle came instrumented needs it only for stack frames.
  let parsed: SourceMap | undefined;
  const map = (): SourceMap => (parsed ??= new SourceMap(JSON.parse(mapJson)));
  const cache = new Map<number, SourcePos | null>();
  const texts = new Map<string, string>([[entry, entryText]]);
  const sourceText = (file: string): string => {
    let text = texts.get(file);
    if (text === undefined) {
      text = '';
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        // a file we cannot read has no names
      }
      texts.set(file, text);
    }
    return text;
  };
  const lines = new Map<string, string[]>();
  return {
    cache,
    sourceText,
    mapPosition(line, column) {
      const key = positionKey(line, column);
      let p = cache.get(key);
      if (p === undefined) {
        const e = map().findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
        p = null;
        if (e && e.originalLine !== undefined && e.originalColumn !== undefined && e.originalSource) {
          p = { line: e.originalLine + 1, column: e.originalColumn + 1 };
          if (path.resolve(e.originalSource) !== entry) p.file = path.resolve(e.originalSource);
        }
        cache.set(key, p);
      }
      return p ?? undefined;
    },
    identifierAt(line, column) {
      const e = map().findEntry(line - 1, column - 1) as { generatedLine?: number; generatedColumn?: number; originalSource?: string; originalLine?: number; originalColumn?: number; name?: string };
      // Only a mapping of this very token: the nearest one before it would name something else.
      if (!e || e.generatedLine !== line - 1 || e.generatedColumn !== column - 1 || !e.originalSource || e.originalLine === undefined || e.originalColumn === undefined) return undefined;
      if (e.name) return e.name;
      const file = path.resolve(e.originalSource);
      let fileLines = lines.get(file);
      if (!fileLines) lines.set(file, (fileLines = sourceText(file).split('\n')));
      const lineText = fileLines[e.originalLine] ?? '';
      return IDENTIFIER.exec(lineText.slice(e.originalColumn))?.[0];
    },
  };
}

/**
 * The positions of a bundle that is its entry's text, types blanked: each one is itself, except that
 * a position on a blank (V8 places a function's stack overflow past its `{`) moves back to the code
 * before it on its line, as a source map's nearest mapping does.
 */
function ownPositions(entry: string, entryText: string): SourcePositions {
  const cache = new Map<number, SourcePos | null>();
  let lines: string[] | undefined;
  const lineText = (line: number): string => (lines ??= entryText.split('\n'))[line - 1] ?? '';
  return {
    cache,
    sourceText: (file) => (file === entry ? entryText : ''),
    mapPosition(line, column) {
      const key = positionKey(line, column);
      let p = cache.get(key);
      if (p === undefined) {
        const text = lineText(line);
        let c = column;
        while (c > 1 && !/\S/.test(text.charAt(c - 1))) c--;
        cache.set(key, (p = { line, column: c }));
      }
      return p ?? undefined;
    },
    identifierAt(line, column) {
      return IDENTIFIER.exec(lineText(line).slice(column - 1))?.[0];
    },
  };
}
