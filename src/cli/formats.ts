/**
 * The formats `report` and `compare` write, apart from the code that renders
 * them (./output.ts), so that the command specs — which every start of the
 * CLI loads for parsing and --help — name them without loading the renderers.
 */
export const FORMATS = ['text', 'md', 'html', 'json'] as const;
/** One of FORMATS. */
export type Format = (typeof FORMATS)[number];
