import { FAKE_JIRA, FakeJira } from '../../../../../local/vendors/jira/fake-jira';

let jira: FakeJira;
beforeEach(async () => {
  jira = await new FakeJira().start();
});
afterEach(async () => {
  await jira.stop();
});

const auth = (email: string = FAKE_JIRA.email, token: string = FAKE_JIRA.apiToken) =>
  `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;

async function call(method: string, path: string, body?: unknown, authorization = auth()) {
  const response = await fetch(`${jira.baseUrl}${path}`, {
    method,
    headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const ADF = {
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }],
};
const fields = (extra: Record<string, unknown> = {}) => ({
  fields: {
    project: { key: 'SEC' },
    issuetype: { name: 'Task' },
    summary: 'Finding',
    description: ADF,
    ...extra,
  },
});

describe('the fake Jira', () => {
  it('rejects requests without the right basic credentials (401, Jira error body)', async () => {
    const missing = await call('GET', '/rest/api/3/myself', undefined, '');
    const wrong = await call('GET', '/rest/api/3/myself', undefined, auth(FAKE_JIRA.email, 'nope'));
    expect(missing.status).toBe(401);
    expect(wrong).toMatchObject({ status: 401, body: { errorMessages: [expect.any(String)], errors: {} } });
    expect((await call('GET', '/rest/api/3/myself')).body).toMatchObject({ emailAddress: FAKE_JIRA.email });
  });

  it('creates an issue: 201 {id, key, self}, starting in the first status', async () => {
    const created = await call('POST', '/rest/api/3/issue', fields({ labels: ['airlock'] }));
    expect(created).toMatchObject({ status: 201, body: { id: '10001', key: 'SEC-1' } });
    expect(jira.issues.get('SEC-1')).toMatchObject({ status: 'To Do', labels: ['airlock'] });
  });

  it('rejects each missing or invalid field in one 400, as Jira names them', async () => {
    const bad = await call('POST', '/rest/api/3/issue', {
      fields: { project: { key: 'NOPE' }, summary: '', labels: ['two words'], customfield_1: 'x' },
    });
    expect(bad).toEqual({
      status: 400,
      headers: expect.anything(),
      body: {
        errorMessages: [],
        errors: {
          project: 'Specify a valid project ID or key',
          summary: 'You must specify a summary of the issue.',
          labels: "The label 'two words' contains spaces which is invalid.",
          customfield_1:
            "Field 'customfield_1' cannot be set. It is not on the appropriate screen, or unknown.",
        },
      },
    });
    expect(jira.issues.size).toBe(0);
  });

  it('rejects a summary of 255 characters or more, or with a newline, an unknown issue type, an unknown priority', async () => {
    const long = await call('POST', '/rest/api/3/issue', fields({ summary: 'x'.repeat(255) }));
    expect(long.body.errors).toEqual({ summary: 'Summary must be less than 255 characters.' });
    expect((await call('POST', '/rest/api/3/issue', fields({ summary: 'x'.repeat(254) }))).status).toBe(201);
    const newline = await call('POST', '/rest/api/3/issue', fields({ summary: 'a\nb' }));
    expect(newline.body.errors.summary).toMatch(/newline/);
    const type = await call('POST', '/rest/api/3/issue', fields({ issuetype: { name: 'Epic' } }));
    expect(type.body.errors).toEqual({ issuetype: 'Specify a valid issue type' });
    const priority = await call('POST', '/rest/api/3/issue', fields({ priority: { name: 'Urgent!' } }));
    expect(priority.body.errors).toEqual({ priority: 'The priority selected is invalid.' });
  });

  it('rejects a description that is not ADF: wiki markup, an empty text node, a link without href', async () => {
    for (const description of [
      'h1. wiki *markup*',
      { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] },
      {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a', marks: [{ type: 'link' }] }] }],
      },
      { type: 'doc', version: 2, content: [] },
    ]) {
      const result = await call('POST', '/rest/api/3/issue', fields({ description }));
      expect(result).toMatchObject({
        status: 400,
        body: { errors: { description: expect.stringMatching(/Atlassian Document/) } },
      });
    }
  });

  it('answers malformed JSON with 400', async () => {
    expect((await call('POST', '/rest/api/3/issue', '{"fields":')).status).toBe(400);
  });

  it('answers an unknown project 404 and an unknown issue 404 with Jira’s messages', async () => {
    expect(await call('GET', '/rest/api/3/project/NOPE')).toMatchObject({
      status: 404,
      body: { errorMessages: ["No project could be found with key 'NOPE'."] },
    });
    expect(await call('GET', '/rest/api/3/issue/SEC-99')).toMatchObject({
      status: 404,
      body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'] },
    });
  });

  it('searches by label, eventually consistent: a new issue shows only after the lag, or when reconciled', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    await jira.stop();
    jira = await new FakeJira({ clock: { now: () => new Date(now) }, searchLagMs: 10_000 }).start();
    const { body } = await call('POST', '/rest/api/3/issue', fields({ labels: ['airlock-inc-1'] }));
    const jql = encodeURIComponent('project = "SEC" AND labels = "airlock-inc-1"');

    expect((await call('GET', `/rest/api/3/search/jql?jql=${jql}`)).body.issues).toEqual([]);
    const reconciled = await call('GET', `/rest/api/3/search/jql?jql=${jql}&reconcileIssues=${body.id}`);
    expect(reconciled.body.issues.map((i: { key: string }) => i.key)).toEqual(['SEC-1']);
    now += 10_000;
    expect((await call('GET', `/rest/api/3/search/jql?jql=${jql}`)).body.issues).toHaveLength(1);
  });

  it('refuses JQL it does not model (400), rather than guessing', async () => {
    const result = await call('GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('text ~ "x"')}`);
    expect(result).toMatchObject({
      status: 400,
      body: { errorMessages: [expect.stringMatching(/^Error in the JQL Query/)] },
    });
  });

  it('keeps comments and status: comment, transitions from the current status only, history', async () => {
    await call('POST', '/rest/api/3/issue', fields());
    expect((await call('POST', '/rest/api/3/issue/SEC-1/comment', { body: ADF })).status).toBe(201);
    expect((await call('POST', '/rest/api/3/issue/SEC-1/comment', { body: 'wiki' })).status).toBe(400);
    const second = { ...ADF, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'second' }] }] };
    await call('POST', '/rest/api/3/issue/SEC-1/comment', { body: second });
    const newest = await call('GET', '/rest/api/3/issue/SEC-1/comment?orderBy=-created&maxResults=1');
    expect(newest.body).toMatchObject({ total: 2, comments: [{ body: second }] });
    expect((await call('GET', '/rest/api/3/issue/SEC-1/comment?orderBy=priority')).status).toBe(400);
    const { body } = await call('GET', '/rest/api/3/issue/SEC-1/transitions');
    expect(body.transitions.map((t: { to: { name: string } }) => t.to.name)).toEqual(['In Progress', 'Done']);
    const done = body.transitions.find((t: { to: { name: string } }) => t.to.name === 'Done');

    expect(
      (await call('POST', '/rest/api/3/issue/SEC-1/transitions', { transition: { id: done.id } })).status,
    ).toBe(204);
    expect(
      (await call('POST', '/rest/api/3/issue/SEC-1/transitions', { transition: { id: done.id } })).status,
    ).toBe(400);
    expect((await call('GET', '/rest/api/3/issue/SEC-1?fields=status')).body.fields).toEqual({
      status: expect.objectContaining({ name: 'Done' }),
    });
    expect(jira.issues.get('SEC-1')).toMatchObject({
      comments: [expect.anything(), expect.anything()],
      history: [{ from: 'To Do', to: 'Done' }],
    });
  });

  it('injects 429 with Retry-After and 5xx, for the next N matching requests, and records every request', async () => {
    jira.inject({ status: 429, times: 1, retryAfter: 7, match: /^POST / });
    jira.inject({ status: 503, times: 1, match: /^GET \/rest\/api\/3\/myself$/ });
    const limited = await call('POST', '/rest/api/3/issue', fields());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await call('GET', '/rest/api/3/myself')).status).toBe(503);
    expect((await call('GET', '/rest/api/3/myself')).status).toBe(200);
    expect((await call('POST', '/rest/api/3/issue', fields())).status).toBe(201);
    expect(jira.calls().map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'POST /rest/api/3/issue 429',
      'GET /rest/api/3/myself 503',
      'GET /rest/api/3/myself 200',
      'POST /rest/api/3/issue 201',
    ]);
  });

  it('serves a read-only issue page with every outside string HTML-escaped', async () => {
    await call(
      'POST',
      '/rest/api/3/issue',
      fields({
        summary: '<script>alert(1)</script>',
        labels: ['<b>'],
        description: {
          type: 'doc',
          version: 1,
          content: [
            {
              type: 'paragraph',
              content: [
                {
                  type: 'text',
                  text: 'evil',
                  marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }],
                },
              ],
            },
          ],
        },
      }),
    );
    const page = await (await fetch(`${jira.baseUrl}/browse/SEC-1`)).text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('javascript:');
    expect(page).toContain('<span class="status" data-status>To Do</span>');
    expect((await fetch(`${jira.baseUrl}/browse/SEC-9`)).status).toBe(404);
  });
});
