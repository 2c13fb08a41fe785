import { resolve } from 'node:path'
import { execute, stepSucceeded } from '../engine/execute.js'
import { cleanLeftovers, formatClean } from '../engine/clean-mode.js'
import { findLeftovers, formatLeftovers } from '../engine/leftovers-report.js'
import { GitCommandManager } from '../git/git-command-manager.js'
import { InputError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { parseSettings } from '../inputs/settings.js'
import { colourAllowed, stripAnsi } from '../report/format.js'
import { renderTerminalReport } from '../report/terminal.js'
import { logFolderLine } from '../report/log-folder.js'
import { formatPlan } from '../plan/plan-text.js'
import { parseCliArguments, USAGE, type CliArguments } from './args.js'
import { leftoverSettings } from './leftover-settings.js'
import { packageVersion } from './package-version.js'

/** From package.json, so that it cannot drift from the package's version. */
export const VERSION = packageVersion()

/**
 * Writes to stderr; the colour codes of agents' lines are kept only for a terminal, and not
 * with NO_COLOR (a log file or a pipe gets plain text).
 */
function writeErr(text: string): void {
  process.stderr.write(colourAllowed(process.stderr) ? text : stripAnsi(text))
}

/** Logs go to stderr, so that stdout holds only the report (or the JSON with --json). */
export const stderrLogger: Logger = {
  info: (message) => writeErr(`${message}\n`),
  warning: (message, file) => writeErr(`warning: ${file ? `${file}: ` : ''}${message}\n`),
  error: (message, file) => writeErr(`error: ${file ? `${file}: ` : ''}${message}\n`),
  debug: (message) => {
    if (process.env.RUNNER_DEBUG === '1') writeErr(`debug: ${message}\n`)
  },
  // A terminal has seen the agents' lines live and can ask for the plan: the title is enough,
  // the body (the plan, an agent's tail) shows with RUNNER_DEBUG=1.
  group: (title, body) =>
    writeErr(process.env.RUNNER_DEBUG === '1' ? `── ${title} ──\n${body}\n──\n` : `── ${title}\n`)
}

/**
 * The command line: returns the exit status (0 success, 1 report written, 2 refused).
 * Aborting `signal` cancels the run (agents stopped, worktrees removed, the report written).
 */
export async function cli(
  argv: readonly string[],
  logger: Logger = stderrLogger,
  signal: AbortSignal = new AbortController().signal
): Promise<number> {
  try {
    const args = parseCliArguments(argv, process.cwd())
    if (args.help) {
      process.stdout.write(USAGE)
      return 0
    }
    if (args.version) {
      process.stdout.write(`${VERSION}\n`)
      return 0
    }
    if (args.leftovers) return await leftoversMode(args, logger)
    const settings = parseSettings(
      { 'github-token': process.env.GITHUB_TOKEN ?? '', ...args.inputs },
      resolve(args.repo)
    )
    const execution = await execute(settings, { logger, signal })
    if (args.json) {
      process.stdout.write(`${JSON.stringify(execution.result, null, 2)}\n`)
      // The person watching still reads the table; stdout stays the JSON alone.
      if (!execution.plan) logger.info(renderTerminalReport(execution.result).trimEnd())
    } else if (execution.plan) {
      process.stdout.write(
        `${formatPlan(execution.plan, { maxParallel: settings.maxParallel, explain: args.explain })}\nMatrix: ${execution.extraOutputs.matrix}\n`
      )
    } else process.stdout.write(renderTerminalReport(execution.result))
    // On stderr: with --json, stdout holds the JSON alone.
    const logs = logFolderLine(settings.repo, execution.extraOutputs['log-dir'])
    if (logs) logger.info(logs)
    return stepSucceeded(execution.result) ? 0 : 1
  } catch (error) {
    if (error instanceof InputError) {
      logger.error(error.message)
      return 2
    }
    logger.error((error as Error).stack ?? String(error))
    return 1
  }
}

/** `status` (what the tool left, with the next command for each) or `clean`: exit 0. */
async function leftoversMode(args: CliArguments, logger: Logger): Promise<number> {
  const asked = leftoverSettings(args.inputs, resolve(args.repo))
  const top = await new GitCommandManager(asked.repo).topLevel().catch(() => null)
  if (!top) {
    throw new InputError(
      `${asked.repo} is not in a git repository: run it inside the repository (or give --repo DIR)`
    )
  }
  const settings = { ...asked, repo: top }
  const git = new GitCommandManager(top)
  if (args.leftovers === 'status') {
    const leftovers = await findLeftovers(git, settings)
    process.stdout.write(
      args.json ? `${JSON.stringify(leftovers, null, 2)}\n` : formatLeftovers(leftovers)
    )
    return 0
  }
  const outcome = await cleanLeftovers(
    git,
    settings,
    { dryRun: args.dryRun, discardUnmerged: args.discardUnmerged },
    logger
  )
  process.stdout.write(
    args.json ? `${JSON.stringify(outcome, null, 2)}\n` : formatClean(outcome, args.dryRun)
  )
  return 0
}

/**
 * SIGINT/SIGTERM for the whole life of the process: the first cancels the run, the second
 * quits at once (status 130; agents still running are killed on exit). Kept after the run
 * returns, so that a late signal still ends the process through its exit hooks.
 */
export function cancelOnSignals(logger: Logger = stderrLogger): AbortSignal {
  const controller = new AbortController()
  let signals = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1
    if (signals > 1) process.exit(130)
    logger.warning(
      `Received ${signal}: stopping every agent and cleaning up (again to quit at once)`
    )
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return controller.signal
}
