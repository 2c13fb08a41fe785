import * as core from '@actions/core'
import type { Execution } from '../engine/execute.js'
import type { RunResult, Settings } from '../core/types.js'
import {
  planAnnotations,
  RUNNER_ANNOTATION_CAPS,
  type AnnotationCaps
} from '../report/annotations.js'
import { runUrl } from '../report/github-event.js'
import { postReportComment } from '../report/pr-comment.js'
import type { BranchLocation } from '../report/resolve-commands.js'
import { resultOutputs } from '../report/result.js'
import { renderSummary } from '../report/summary.js'
import { repositoryLinks } from '../report/links.js'
import { failedLogTails } from '../report/log-tail.js'
import { renderRefusalSummary } from '../report/refusal-summary.js'
import { logFolderLine } from '../report/log-folder.js'

export interface RunnerReportOptions {
  /** Annotations already made in this step (by the engine's logger), per level: they share the caps. */
  annotationsMade?: Partial<AnnotationCaps>
}

const EMIT = { error: core.error, warning: core.warning, notice: core.notice }

/**
 * Everything a run tells the runner: the pull-request comment (first, so that a failure to
 * comment is in the result's warnings), then the outputs, the annotations within the
 * runner's caps, and the job summary. No part can fail the step or stop the others: a part
 * that fails becomes a warning.
 */
export async function reportToRunner(
  execution: Execution,
  settings: Pick<Settings, 'prComment' | 'prNumber' | 'githubToken' | 'push'> &
    Partial<Pick<Settings, 'repo'>>,
  options: RunnerReportOptions = {}
): Promise<void> {
  const env = process.env
  // Task jobs push their branch, the merge job merges pushed ones: only `run` may keep
  // branches on the runner alone.
  const branches: BranchLocation =
    execution.result.mode !== 'run' || settings.push ? 'origin' : 'runner'
  const result: RunResult = { ...execution.result, warnings: [...execution.result.warnings] }
  const extraOutputs: Record<string, string> = { ...execution.extraOutputs }
  const warnings: string[] = []

  try {
    const comment = await postReportComment(result, {
      enabled: settings.prComment,
      token: settings.githubToken,
      prNumber: settings.prNumber,
      env,
      branches,
      logger: { info: core.info, debug: core.debug }
    })
    if (comment.action === 'failed') warnings.push(comment.reason)
    else if (comment.action !== 'none') extraOutputs['comment-url'] = comment.url
  } catch (error) {
    warnings.push(`Could not comment: ${(error as Error).message}`)
  }
  result.warnings.push(...warnings)

  try {
    const outputs = { ...resultOutputs(result), ...extraOutputs }
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  } catch (error) {
    warnings.push(`Could not set the outputs: ${(error as Error).message}`)
  }

  const made = options.annotationsMade ?? {}
  const caps: AnnotationCaps = {
    error: RUNNER_ANNOTATION_CAPS.error - (made.error ?? 0),
    warning: RUNNER_ANNOTATION_CAPS.warning - (made.warning ?? 0) - warnings.length,
    notice: RUNNER_ANNOTATION_CAPS.notice - (made.notice ?? 0)
  }
  for (const annotation of planAnnotations(result, caps)) {
    const { level, message, ...properties } = annotation
    EMIT[level](message, properties)
  }

  try {
    const text = renderSummary(result, {
      branches,
      runUrl: runUrl(env),
      annotationCaps: caps,
      // Links only to what is on GitHub: pushed branches and the commits of a pushed base.
      links: branches === 'origin' ? repositoryLinks(env) : undefined,
      logTails: await failedLogTails(result),
      logDir: extraOutputs['log-dir']
    })
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(text).write()
    else core.info('No job summary on this runner (GITHUB_STEP_SUMMARY is not set).')
  } catch (error) {
    warnings.push(`Could not write the job summary: ${(error as Error).message}`)
  }
  for (const warning of warnings) core.warning(warning)
  const logs = logFolderLine(settings.repo ?? process.cwd(), extraOutputs['log-dir'])
  if (logs) core.info(logs)
}

/** A refused run's job summary: what was wrong and how to fix it. Never fails the step. */
export async function reportRefusal(message: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(renderRefusalSummary(message)).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`)
  }
}
