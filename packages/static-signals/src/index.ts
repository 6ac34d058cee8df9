/**
 * @airlock/static-signals — cheap static pre-signals computed before the sandbox runs, fed to the
 * scorer as evidence (never a verdict on their own). Pure: inputs are strings, bytes and parsed
 * objects; the caller reads files, registries and feeds.
 */
export * from './signal.js';
export * from './text-position.js';
export * from './manifest-fields.js';
export * from './shell-command.js';
export * from './install-scripts.js';
export * from './setup-py.js';
export * from './call-arguments.js';
export * from './character-runs.js';
export * from './decoded-execution.js';
export * from './obfuscation-patterns.js';
export * from './obfuscation.js';
export * from './package-names.js';
export * from './confusables.js';
export * from './edit-distance.js';
export * from './name-affixes.js';
export * from './popular-names.js';
export * from './top-pypi-names.js';
export * from './typosquat.js';
export * from './dependency-confusion.js';
export * from './npm-dependency-sources.js';
export * from './python-requirements.js';
export * from './manifest-confusion.js';
export * from './integrity.js';
export * from './loose-version.js';
export * from './osv-malicious.js';
export * from './archive-paths.js';
export * from './archive-listing.js';
export * from './package-scan.js';
export * from './ci-references.js';
export * from './time-gates.js';
export * from './platform-references.js';
