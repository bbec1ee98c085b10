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

export const isScratchFile = (uri: { path: string } | undefined): boolean => !!uri && /\.grad\.(?:ts|py)$/.test(uri.path);

/**
 * Whether a panel may be opened for this URI (gradtape.showInGraph, the panel's deserializer): only a
 * `.grad.ts` or `.grad.py` document on disk or untitled. Both take a URI from outside (a hover link, a
 * saved webview state), so anything else is refused rather than given a panel.
 */
export const isGradDocument = <U extends { scheme: string; path: string }>(uri: U | undefined): uri is U =>
  !!uri && (uri.scheme === 'file' || uri.scheme === 'untitled') && /\.grad\.(?:ts|py)$/.test(uri.path);
