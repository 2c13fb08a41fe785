import type { WriteStream } from 'node:fs'

/**
 * A command's output on its way to its log file, capped: the first half of the budget is
 * written as it comes, the last half is held (the newest bytes only) and written at the end,
 * after a line saying how many bytes were cut between them. A flood costs at most the budget
 * on disk and half of it in memory.
 */
export class CappedLog {
  private written = 0
  private tail: Buffer[] = []
  private tailBytes = 0
  private cut = 0
  private readonly headBudget: number
  private readonly tailBudget: number

  constructor(
    private readonly log: WriteStream,
    maxBytes: number
  ) {
    const budget = Math.max(0, Math.floor(maxBytes))
    this.headBudget = Math.ceil(budget / 2)
    this.tailBudget = budget - this.headBudget
  }

  write(chunk: Buffer): void {
    if (this.written < this.headBudget) {
      const room = this.headBudget - this.written
      const head = chunk.length <= room ? chunk : chunk.subarray(0, room)
      this.log.write(head)
      this.written += head.length
      if (head.length === chunk.length) return
      chunk = chunk.subarray(head.length)
    }
    this.tail.push(chunk)
    this.tailBytes += chunk.length
    while (this.tailBytes > this.tailBudget && this.tail.length > 0) {
      const over = this.tailBytes - this.tailBudget
      const first = this.tail[0]
      if (first.length <= over) {
        this.tail.shift()
        this.tailBytes -= first.length
        this.cut += first.length
      } else {
        this.tail[0] = first.subarray(over)
        this.tailBytes -= over
        this.cut += over
      }
    }
  }

  /** Writes what was held back, after the line naming the cut (if anything was cut). */
  finish(logFile: string): void {
    if (this.cut > 0) {
      this.log.write(
        `\n=== ${this.cut} bytes of output cut here (log-max-mb); the log keeps the first ${this.headBudget} and the last ${this.tailBudget} bytes: ${logFile}\n`
      )
    }
    for (const chunk of this.tail) this.log.write(chunk)
    this.tail = []
    this.tailBytes = 0
  }

  /** Bytes left out of the log. */
  get bytesCut(): number {
    return this.cut
  }
}
