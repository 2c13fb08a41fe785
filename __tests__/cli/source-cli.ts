// The CLI of the current sources, transpiled file by file: scripts/source-cli.mjs builds it,
// for scripts/chaos.mjs as for the tests.
export { buildSourceCli, type SourceCli } from '../../scripts/source-cli.mjs'
