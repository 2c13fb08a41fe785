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

/**
 * The part of the GitHub REST API a report comment uses, on 127.0.0.1: issue comments
 * listed (paginated), created and updated. It records every request; `failWith` makes
 * every answer an error, `hang` makes it never answer.
 */
export class FakeGitHub implements AsyncDisposable {
  readonly requests: RecordedRequest[] = []
  comments: StoredComment[] = []
  failWith: { status: number; message: string } | null = null
  hang = false
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
        const send = (status: number, data: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
          response.end(JSON.stringify(data))
        }
        if (this.failWith) return send(this.failWith.status, { message: this.failWith.message })
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

  private route(
    method: string,
    url: URL,
    body: { body?: string } | null,
    send: (status: number, data: unknown) => void
  ): void {
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
    this.failWith = null
    this.hang = false
    this.nextId = 1000
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve()
    )
  }
}
