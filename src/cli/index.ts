#!/usr/bin/env node
// The command line's entry point: `parallel-worktree <mode> ...`.
import { cancelOnSignals, cli, stderrLogger } from './cli.js'

process.exitCode = await cli(process.argv.slice(2), stderrLogger, cancelOnSignals())
