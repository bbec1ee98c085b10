import type * as vscode from 'vscode';

/** Scratch files, saved or not (an untitled document made by New Scratch File has a .grad.ts or .grad.py path too). */
export const SCRATCH_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.grad.ts' },
  { scheme: 'untitled', pattern: '**/*.grad.ts' },
  { scheme: 'file', pattern: '**/*.grad.py' },
  { scheme: 'untitled', pattern: '**/*.grad.py' },
];
