import { StringDecoder } from 'node:string_decoder'

/** Longest line passed on whole; longer ones (minified output, progress bars) are cut. */
export const MAX_LINE_LENGTH = 4000

/**
 * Turns a byte stream into lines for the console: UTF-8 decoded across chunk boundaries,
 * split at \n, \r\n and lone \r (progress bars), each line cut at MAX_LINE_LENGTH. One
 * splitter per stream, so that stdout and stderr never splice into one line.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8')
  private rest = ''

  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: Buffer): void {
    const parts = (this.rest + this.decoder.write(chunk)).split(/\r\n|\n|\r/)
    this.rest = parts.pop() ?? ''
    for (const part of parts) this.emit(cut(part))
    // A line with no end in sight: pass on what we have rather than hold it all.
    if (this.rest.length > MAX_LINE_LENGTH * 4) {
      this.emit(cut(this.rest))
      this.rest = ''
    }
  }

  flush(): void {
    const last = this.rest + this.decoder.end()
    if (last) this.emit(cut(last))
    this.rest = ''
  }
}

function cut(line: string): string {
  return line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH)} …(cut)` : line
}
