#!/usr/bin/env node
// The command line's entry point: `parallel-worktree <mode> ...`.
import { cli } from './cli.js'

process.exitCode = await cli(process.argv.slice(2))
