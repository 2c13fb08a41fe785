import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: unknown
}

interface StoredComment {
  id: number
  issue: number
  body: string
}

/** A check run as the API holds it: the fields of every request merged, in order. */
export interface StoredCheckRun {
  id: number
  fields: Record<string, unknown>
}

/**
 * The part of the GitHub REST API a report comment and a check run use, on 127.0.0.1: issue
 * comments listed (paginated), created and updated; check runs created and updated. It
 * records every request; `failWith` makes every answer an error, `refuse` only the requests
 * it picks, `hang` makes it never answer, `delayMs` answers late (and `maxInFlight` counts
 * how many requests were ever open at once).
 */
export class FakeGitHub implements AsyncDisposable {
  readonly requests: RecordedRequest[] = []
  comments: StoredComment[] = []
  checkRuns: StoredCheckRun[] = []
  failWith: { status: number; message: string } | null = null
  refuse: ((method: string, path: string) => { status: number; message: string } | null) | null =
    null
  hang = false
  delayMs = 0
  maxInFlight = 0
  private inFlight = 0
  private nextId = 1000
  private server: Server | null = null
  url = ''

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      let raw = ''
      request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')))
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://localhost')
        this.requests.push({
          method: request.method ?? '',
          path: url.pathname + url.search,
          headers: request.headers,
          body: raw ? JSON.parse(raw) : null
        })
        if (this.hang) return
        this.inFlight += 1
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
        const send = (status: number, data: unknown) => {
          const answer = () => {
            this.inFlight -= 1
            response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
            response.end(JSON.stringify(data))
          }
          if (this.delayMs > 0) setTimeout(answer, this.delayMs)
          else answer()
        }
        if (this.failWith) return send(this.failWith.status, { message: this.failWith.message })
        const refusal = this.refuse?.(request.method ?? '', url.pathname)
        if (refusal) return send(refusal.status, { message: refusal.message })
        this.route(
          request.method ?? '',
          url,
          raw ? (JSON.parse(raw) as { body?: string }) : null,
          send
        )
      })
    })
    const server = this.server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return this
  }

  private view(comment: StoredComment) {
    return {
      id: comment.id,
      body: comment.body,
      html_url: `https://github.com/o/r/issues/${comment.issue}#issuecomment-${comment.id}`,
      user: { login: 'github-actions[bot]', type: 'Bot' }
    }
  }

  private checkRunView(run: StoredCheckRun, owner: string, repo: string) {
    return {
      ...run.fields,
      id: run.id,
      html_url: `https://github.com/${owner}/${repo}/runs/${run.id}`
    }
  }

  /** The check-run requests, in order. */
  checkRunRequests(): RecordedRequest[] {
    return this.requests.filter((request) => /\/check-runs(\/|$)/.test(request.path))
  }

  private route(
    method: string,
    url: URL,
    body: { body?: string } | null,
    send: (status: number, data: unknown) => void
  ): void {
    const checkRuns = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/check-runs$/)
    const checkRun = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/)
    if (checkRuns && method === 'POST') {
      const run = { id: this.nextId++, fields: { ...(body as Record<string, unknown>) } }
      this.checkRuns.push(run)
      return send(201, this.checkRunView(run, checkRuns[1], checkRuns[2]))
    }
    if (checkRun && method === 'PATCH') {
      const run = this.checkRuns.find((r) => r.id === Number(checkRun[3]))
      if (!run) return send(404, { message: 'Not Found' })
      Object.assign(run.fields, body)
      return send(200, this.checkRunView(run, checkRun[1], checkRun[2]))
    }
    const list = url.pathname.match(/^\/repos\/o\/r\/issues\/(\d+)\/comments$/)
    const one = url.pathname.match(/^\/repos\/o\/r\/issues\/comments\/(\d+)$/)
    if (list && method === 'GET') {
      const perPage = Number(url.searchParams.get('per_page') ?? 30)
      const page = Number(url.searchParams.get('page') ?? 1)
      const onIssue = this.comments.filter((c) => c.issue === Number(list[1]))
      return send(
        200,
        onIssue.slice((page - 1) * perPage, page * perPage).map((c) => this.view(c))
      )
    }
    if (list && method === 'POST') {
      const comment = { id: this.nextId++, issue: Number(list[1]), body: body?.body ?? '' }
      this.comments.push(comment)
      return send(201, this.view(comment))
    }
    if (one && method === 'PATCH') {
      const comment = this.comments.find((c) => c.id === Number(one[1]))
      if (!comment) return send(404, { message: 'Not Found' })
      comment.body = body?.body ?? ''
      return send(200, this.view(comment))
    }
    send(404, { message: 'Not Found' })
  }

  /** Requests without the listing ones: what changed something. */
  writes(): RecordedRequest[] {
    return this.requests.filter((request) => request.method !== 'GET')
  }

  reset(): void {
    this.requests.length = 0
    this.comments = []
    this.checkRuns = []
    this.failWith = null
    this.refuse = null
    this.hang = false
    this.delayMs = 0
    this.maxInFlight = 0
    this.inFlight = 0
    this.nextId = 1000
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve()
    )
  }
}
