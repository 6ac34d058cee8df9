export * from './fetch-npm-tree.js';
export * from './npm-integrity.js';
export * from './fetch-pypi.js';
export { DEFAULT_PYPI_INDEX, PEP691_JSON, indexRoots, listPypiReleases, resolveRelease, type ResolvedRelease } from './pypi-index.js';
export * from './pypi-requirements.js';
export {
  chooseDependencyWheel,
  chooseFile,
  isSandboxWheel,
  isPureWheel,
  latestVersion,
  normalizePypiName,
  versionOfFile,
  type DistributionKind,
  type PypiFile,
} from './pypi-files.js';
export * from './npmrc.js';
export * from './npmrc-file.js';
export * from './versions.js';
export * from './guard.js';
export * from './local-npm-tree.js';
export * from './guard-pypi.js';
export { httpGet, httpGetStream, type HttpResponse, type HttpGetOptions } from './http-get.js';
