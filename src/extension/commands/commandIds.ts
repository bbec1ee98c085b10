/** Every editor command GradTape contributes (the panel's own live in panel/panelManager.ts). */
export const CommandId = {
  /** computeGradientsCommand in ./computeGradients.ts */
  ComputeGradients: 'gradtape.computeGradients',
  /** newScratchFileCommand in ./newScratchFile.ts */
  NewScratchFile: 'gradtape.newScratchFile',
  /** toggleInlineValuesCommand in ./toggleInlineValues.ts */
  ToggleInlineValues: 'gradtape.toggleInlineValues',
  /** Cancels the run in flight for the active file (the status bar item's command while running); registered in extension.ts. */
  CancelRun: 'gradtape.cancelRun',
} as const;

/** Commands the editor calls but another module registers. */
export const ExternalCommandId = {
  ShowPanel: 'gradtape.showPanel',
  ShowInGraph: 'gradtape.showInGraph',
  ManageTrust: 'workbench.trust.manage',
} as const;

export const isScratchFile = (uri: { path: string } | undefined): boolean => !!uri && uri.path.endsWith('.grad.ts');
