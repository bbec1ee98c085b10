// Number and tensor text for hovers, inline values and CodeLens: the one printer (src/format/), so a
// tensor reads here as `print`, the CLI and the panel show it. No vscode import: unit-tested in plain Node.
export { formatScalar as formatNumber } from '../../format/numbers';
export { formatShape } from '../../format/numbers';
export { formatArray as formatNested, formatSummary, formatType, formatValue, SHOWN_ELEMENTS as HOVER_ELEMENTS } from '../../format/tensors';

/** Elements an inline value (after the line end) prints in full. */
export const INLINE_ELEMENTS = 6;
