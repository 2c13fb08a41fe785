import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type * as ActionsGitHub from '@actions/github'
import { FakeGitHub } from './fake-github.js'

// Facts about @actions/github 9 that pr-comment.ts relies on, checked against a local server.
let first: FakeGitHub
let second: FakeGitHub
let github: typeof ActionsGitHub

beforeAll(async () => {
  first = await new FakeGitHub().start()
  second = await new FakeGitHub().start()
  process.env.GITHUB_API_URL = first.url
  github = await import('@actions/github')
})
afterAll(async () => {
  delete process.env.GITHUB_API_URL
  await first[Symbol.asyncDispose]()
  await second[Symbol.asyncDispose]()
})

describe('@actions/github', () => {
  it('reads GITHUB_API_URL once, when it is imported, for getOctokit and context', async () => {
    process.env.GITHUB_API_URL = second.url
    await github
      .getOctokit('t')
      .rest.issues.listComments({ owner: 'o', repo: 'r', issue_number: 1 })
    expect(first.requests).toHaveLength(1)
    expect(second.requests).toHaveLength(0)
    expect(github.context.apiUrl).toBe(first.url)
  })

  it('follows a baseUrl given when the client is made (what pr-comment.ts does)', async () => {
    await github
      .getOctokit('t', { baseUrl: second.url })
      .rest.issues.createComment({ owner: 'o', repo: 'r', issue_number: 1, body: 'x' })
    expect(second.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/o/r/issues/1/comments'
    ])
    expect(second.requests[0].headers.authorization).toBe('token t')
  })

  it(`parses JSON answers on Node ${process.versions.node} (content-type@3 declares node >= 22)`, async () => {
    const { data } = await github
      .getOctokit('t', { baseUrl: second.url })
      .rest.issues.createComment({ owner: 'o', repo: 'r', issue_number: 2, body: 'y' })
    expect(data).toMatchObject({ id: expect.any(Number), body: 'y' })
  })
})
