import { WebClient } from '@slack/web-api';
import { BOT, BOT_SCOPES, CHANNELS, FakeSlackApi } from '../../../local/slack/fake-api';

/** The fake's files.uploadV2 path, as strict as Slack documents it (local/slack/fake-api.ts). */
describe('FakeSlackApi files (files.getUploadURLExternal, upload URL, files.completeUploadExternal)', () => {
  let fake: FakeSlackApi;
  let slack: WebClient;
  beforeEach(async () => {
    fake = await new FakeSlackApi({ rateLimit: false }).start();
    slack = new WebClient(BOT.token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('uploads with filesUploadV2 into a thread: one reply carrying the file, its text the initial comment, bytes intact', async () => {
    const card = await slack.chat.postMessage({ channel: CHANNELS.soc, text: 'card' });
    const bytes = Buffer.from('# Report\n\nnon-ASCII: é ✓\n', 'utf8');
    const result = await slack.filesUploadV2({
      channel_id: CHANNELS.soc,
      thread_ts: card.ts as string,
      file: bytes,
      filename: 'inc-1-report-v1.md',
      title: 'Incident report v1',
      initial_comment: 'summary *v1*',
    });
    const completion = (result as unknown as { files: { files: { id: string; permalink: string }[] }[] })
      .files;
    const file = completion[0]?.files[0];
    expect(file?.id).toMatch(/^F0/);
    expect(file?.permalink).toContain(file?.id);
    const replies = fake.thread(CHANNELS.soc, card.ts as string);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({
      text: 'summary *v1*',
      files: [{ id: file?.id, name: 'inc-1-report-v1.md' }],
    });
    expect(fake.file(file?.id as string)?.bytes?.equals(bytes)).toBe(true);
    expect(fake.calls().map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
  });

  it('serves a shared file at url_private to the bot token only', async () => {
    const up = await slack.files.getUploadURLExternal({ filename: 'a.md', length: 3 });
    await fetch(up.upload_url as string, { method: 'POST', body: 'abc' });
    const done = await slack.files.completeUploadExternal({
      files: [{ id: up.file_id as string }],
      channel_id: CHANNELS.soc,
    });
    const url = (done.files?.[0] as { url_private?: string } | undefined)?.url_private ?? '';
    expect((await fetch(url)).status).toBe(403);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${BOT.token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('abc');
  });

  it('rejects files.getUploadURLExternal without filename or length (invalid_arguments), or with length 0 (missing_argument)', async () => {
    await expect(slack.apiCall('files.getUploadURLExternal', { length: 10 })).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
    await expect(slack.apiCall('files.getUploadURLExternal', { filename: 'x.md' })).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
    await expect(slack.files.getUploadURLExternal({ filename: 'x.md', length: 0 })).rejects.toMatchObject({
      data: { error: 'missing_argument' },
    });
  });

  it('rejects bytes whose size is not the promised length (non-200), and a second upload to the same URL', async () => {
    const up = await slack.files.getUploadURLExternal({ filename: 'x.md', length: 5 });
    expect((await fetch(up.upload_url as string, { method: 'POST', body: 'four' })).status).toBe(400);
    expect((await fetch(up.upload_url as string, { method: 'POST', body: 'five!' })).status).toBe(200);
    expect((await fetch(up.upload_url as string, { method: 'POST', body: 'five!' })).status).toBe(404);
    const unknown = `${fake.apiUrl.replace('/api/', '')}/upload/v1/F0NOPE`;
    expect((await fetch(unknown, { method: 'POST', body: 'x' })).status).toBe(404);
  });

  it('rejects completing a file whose bytes the upload URL refused (file_not_found)', async () => {
    const up = await slack.files.getUploadURLExternal({ filename: 'x.md', length: 10 });
    const res = await fetch(up.upload_url as string, { method: 'POST', body: 'short' });
    expect(res.status).toBe(400);
    await expect(
      slack.files.completeUploadExternal({ files: [{ id: up.file_id as string }], channel_id: CHANNELS.soc }),
    ).rejects.toMatchObject({ data: { error: 'file_not_found' } });
  });

  it('rejects files.completeUploadExternal: no files (invalid_arguments), an unknown id or one completed twice (file_not_found), a bad channel or thread', async () => {
    await expect(
      slack.apiCall('files.completeUploadExternal', { channel_id: CHANNELS.soc }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
    await expect(
      slack.files.completeUploadExternal({ files: [{ id: 'F0NOTMINE' }], channel_id: CHANNELS.soc }),
    ).rejects.toMatchObject({ data: { error: 'file_not_found' } });
    const up = await slack.files.getUploadURLExternal({ filename: 'x.md', length: 1 });
    await fetch(up.upload_url as string, { method: 'POST', body: 'x' });
    const id = up.file_id as string;
    await expect(
      slack.files.completeUploadExternal({ files: [{ id }], channel_id: 'C0NOPE' }),
    ).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
    await expect(
      slack.files.completeUploadExternal({
        files: [{ id }],
        channel_id: CHANNELS.soc,
        thread_ts: '1.000100',
      }),
    ).rejects.toMatchObject({ data: { error: 'thread_not_found' } });
    await slack.files.completeUploadExternal({ files: [{ id }], channel_id: CHANNELS.soc });
    await expect(
      slack.files.completeUploadExternal({ files: [{ id }], channel_id: CHANNELS.soc }),
    ).rejects.toMatchObject({ data: { error: 'file_not_found' } });
    expect(fake.sharedFiles(CHANNELS.soc).map((f) => f.id)).toEqual([id]);
  });

  it('rejects files methods without the files:write scope (missing_scope, needed and provided)', async () => {
    const scoped = await new FakeSlackApi({
      rateLimit: false,
      scopes: BOT_SCOPES.filter((s) => s !== 'files:write'),
    }).start();
    try {
      const client = new WebClient(BOT.token, { slackApiUrl: scoped.apiUrl, retryConfig: { retries: 0 } });
      await expect(client.files.getUploadURLExternal({ filename: 'x.md', length: 1 })).rejects.toMatchObject({
        data: {
          error: 'missing_scope',
          needed: 'files:write',
          provided: 'commands,chat:write,im:write,users:read',
        },
      });
      await expect(
        client.filesUploadV2({ channel_id: CHANNELS.soc, file: Buffer.from('x'), filename: 'x.md' }),
      ).rejects.toMatchObject({ data: { error: 'missing_scope' } });
      expect(scoped.sharedFiles()).toEqual([]);
    } finally {
      await scoped.stop();
    }
  });
});
