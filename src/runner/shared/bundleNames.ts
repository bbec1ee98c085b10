/** Names the bundler process gives a bundle and the run thread compiles it under. */

/** What `import.meta` becomes in the bundle: a parameter of the compiled function (the entry's url, filename, dirname). */
export const IMPORT_META = '__gtImportMeta';

/** The name of the (never written) bundle file: stack frames in it are the user's code. */
export const BUNDLE_BASENAME = '__gradtape_bundle__.js';
