import { describe, expect, it } from '@jest/globals'
import { readFileSync, statSync } from 'node:fs'
import { CONSOLE_LINES } from '../../src/run/console-share.js'
import { exampleAgent, faultRepo, runEngine, statuses } from '../faults/harness.js'

// An agent that floods its output: its log keeps its head and its tail within log-max-mb,
// saying how much was cut, and the console shows a bounded share of it.

describe('an agent writing 20 MB with log-max-mb 1', () => {
  it('gets a log of at most 1 MB (head and tail kept, the cut named) and a bounded console', async () => {
    using repo = faultRepo([1])
    const flood =
      "printf 'FIRST-%s\\n' LINE; yes 'flooding the log with one line after another' | head -c 20000000; echo; printf 'LAST-%s\\n' LINE"
    const { result, logger } = await runEngine(repo, {
      priorities: '1',
      'log-max-mb': '1',
      'agent-command': `${flood} && ${exampleAgent()}`
    })
    expect(statuses(result)).toEqual({ 1: 'completed' })
    const logFile = result.tasks[0].log_file!
    const text = readFileSync(logFile, 'utf8')
    // The cap counts the output; the header and footer lines come on top.
    expect(statSync(logFile).size).toBeLessThan(1024 * 1024 + 2000)
    expect(text.split('\n')[1]).toBe('FIRST-LINE')
    expect(text).toContain('LAST-LINE')
    const cut = /=== (\d+) bytes of output cut here \(log-max-mb\)/.exec(text)
    expect(cut).not.toBeNull()
    expect(Number(cut![1])).toBeGreaterThan(20_000_000 - 1024 * 1024)
    expect(text.indexOf('FIRST-LINE')).toBeLessThan(cut!.index)
    expect(text.indexOf('LAST-LINE')).toBeGreaterThan(cut!.index)

    const lines = logger.text().split('\n')
    const live = lines.filter((line) => line.startsWith('[1] flooding'))
    expect(live.length).toBeLessThanOrEqual(CONSOLE_LINES + 40)
    expect(logger.text()).toContain(`the whole log is ${logFile}`)
    expect(logger.text().length).toBeLessThan(200_000)
  }, 60_000)
})
