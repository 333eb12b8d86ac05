// The Airlock drill workspace page: a small Slack look-alike over the workspace API. Plain JS, no build step.
// State lives in `app`; every server change arrives as a Server-Sent Event, after which the page re-reads the
// state it shows and re-renders. Everything from the server is escaped before it reaches innerHTML.

const $ = (id) => document.getElementById(id);

const app = {
  user: null,
  channel: null,
  /** The open thread: { channel, ts }. */
  thread: null,
  tab: 'inject',
  incidentId: null,
  state: null,
  estate: null,
  /** The Pages panel: the fake PagerDuty's alerts (GET /api/pages). */
  pages: null,
  incident: null,
  clock: null,
  /** Message keys already announced (aria-live) and per-channel last-read ts, per user. */
  seen: new Set(),
  lastRead: {},
  dismissed: new Set(),
  /** Buttons of the last render: index → what a click sends. */
  buttons: [],
  refreshing: null,
  again: false,
};

// ── helpers ───────────────────────────────────────────────────────────────────────────────────────────────

function esc(text) {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

async function api(path, body) {
  const init =
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const response = await fetch(path, init);
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(json.error || `HTTP ${response.status}`);
    error.field = json.field;
    throw error;
  }
  return json;
}

function userById(id) {
  return app.state?.users.find((u) => u.id === id);
}

function channelById(id) {
  return app.state?.channels.find((c) => c.id === id);
}

function channelLabel(channel) {
  return channel.isIm ? 'Airlock' : `#${channel.name}`;
}

function hhmm(iso) {
  return `${new Date(iso).toISOString().slice(11, 16)} UTC`;
}

function tsTime(ts) {
  return hhmm(new Date(Number(ts.split('.')[0]) * 1000).toISOString());
}

function fullTime(date) {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function duration(ms) {
  if (ms === undefined || ms === null) return '…';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const ROLE_LABEL = { responder: 'responder', 'soc-lead': 'SOC lead', outsider: 'not in the SOC', bot: 'app' };

function toast(message) {
  const el = $('toast');
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    el.hidden = true;
  }, 6000);
}

// ── mrkdwn ────────────────────────────────────────────────────────────────────────────────────────────────

// Emoji as simple icons every font has (headless and minimal systems lack emoji fonts), each named for screen readers.
const EMOJI = {
  warning: ['⚠', 'amber'],
  x: ['✖', 'red'],
  white_check_mark: ['✔', 'green'],
  heavy_check_mark: ['✔', 'green'],
  rotating_light: ['⚑', 'red'],
  no_entry: ['⊘', 'red'],
  information_source: ['ℹ', 'blue'],
  hourglass: ['◔', 'amber'],
  hourglass_flowing_sand: ['◔', 'amber'],
  zzz: ['☾', 'grey'],
  shield: ['◈', 'blue'],
  lock: ['●', 'amber'],
  leftwards_arrow_with_hook: ['↩', 'blue'],
  fast_forward: ['»', 'grey'],
  sunny: ['☀', 'amber'],
  large_yellow_circle: ['⬤', 'amber'],
  clipboard: ['☰', 'grey'],
  card_index_dividers: ['☰', 'grey'],
};

function emoji(match, name) {
  const icon = EMOJI[name];
  if (!icon) return match;
  return `<span class="icon icon-${icon[1]}" role="img" aria-label="${esc(name.replace(/_/g, ' '))}">${icon[0]}</span>`;
}

/** Slack's <…> entities: mentions, channels, links. */
function entity(inner) {
  const [target, label] = inner.split('|');
  if (target.startsWith('@')) {
    const user = userById(target.slice(1));
    return `<span class="mention">@${esc(user ? user.realName : target.slice(1))}</span>`;
  }
  if (target.startsWith('#')) {
    const channel = channelById(target.slice(1));
    return `<span class="mention">#${esc(label || channel?.name || target.slice(1))}</span>`;
  }
  if (target.startsWith('!')) return `<span class="mention">@${esc(label || target.slice(1))}</span>`;
  if (/^(https?:|mailto:)/.test(target)) {
    const thread = /slack\.com\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})/.exec(target);
    if (thread) {
      return `<a href="#" data-open-thread="${esc(thread[1])}" data-ts="${esc(`${thread[2]}.${thread[3]}`)}">${esc(label || 'thread')}</a>`;
    }
    return `<a href="${esc(target)}" target="_blank" rel="noopener noreferrer">${esc(label || target)}</a>`;
  }
  return esc(inner);
}

function mrkdwn(text) {
  const held = [];
  const hold = (html) => `\uE000${held.push(html) - 1}\uE001`;
  let s = String(text ?? '').replace(/<([^<>\n]+)>/g, (_, inner) => hold(entity(inner)));
  s = s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  s = esc(s);
  s = s.replace(/```([\s\S]+?)```/g, (_, code) => hold(`<pre>${code}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${code}</code>`));
  s = s.replace(/(^|[\s(>~_\uE001])\*(?!\s)([^*\n]+?)\*(?=$|[\s).,:;!?~_\uE000])/g, '$1<strong>$2</strong>');
  s = s.replace(/(^|[\s(>~*\uE001])_(?!\s)([^_\n]+?)_(?=$|[\s).,:;!?~*<\uE000])/g, '$1<em>$2</em>');
  s = s.replace(/(^|[\s(>])~(?!\s)([^~\n]+?)~(?=$|[\s).,:;!?<])/g, '$1<del>$2</del>');
  s = s.replace(/:([a-z0-9_+-]+):/g, emoji);
  s = s.replace(/\n/g, '<br>');
  return s.replace(/\uE000(\d+)\uE001/g, (_, i) => held[Number(i)]);
}

function textObject(t) {
  if (!t) return '';
  if (t.type === 'mrkdwn') return mrkdwn(t.text);
  const text = esc(t.text);
  return t.emoji === false ? text : text.replace(/:([a-z0-9_+-]+):/g, emoji);
}

// ── Block Kit ─────────────────────────────────────────────────────────────────────────────────────────────

function button(el, where, blockId) {
  const index =
    app.buttons.push({
      ...where,
      blockId,
      actionId: el.action_id,
      value: el.value ?? '',
      confirm: el.confirm,
      style: el.style,
    }) - 1;
  const style = el.style === 'primary' || el.style === 'danger' ? ` ${el.style}` : '';
  const key = `${where.channel}/${where.ts}/${el.action_id}`;
  return `<button type="button" class="bk-button${style}" data-button="${index}" data-focus-key="${esc(key)}">${textObject(el.text)}</button>`;
}

function renderBlocks(blocks, where) {
  return blocks
    .map((b) => {
      switch (b.type) {
        case 'header':
          return `<p class="bk-header">${textObject(b.text)}</p>`;
        case 'section': {
          const text = b.text ? `<div class="bk-text">${textObject(b.text)}</div>` : '';
          const fields = b.fields
            ? `<div class="bk-fields">${b.fields.map((f) => `<div>${textObject(f)}</div>`).join('')}</div>`
            : '';
          const accessory =
            b.accessory?.type === 'button' ? button(b.accessory, where, b.block_id ?? '') : '';
          return `<div class="bk-section">${text}${fields}${accessory}</div>`;
        }
        case 'context':
          return `<div class="bk-context">${(b.elements || []).map((e) => `<span>${e.type === 'image' ? '' : textObject(e)}</span>`).join('')}</div>`;
        case 'divider':
          return '<hr class="bk-divider">';
        case 'actions':
          return `<div class="bk-actions">${(b.elements || [])
            .filter((e) => e.type === 'button')
            .map((e) => button(e, where, b.block_id ?? ''))
            .join('')}</div>`;
        default:
          return '';
      }
    })
    .join('');
}

function renderMessage(m, options = {}) {
  const where = { channel: m.channel, ts: m.ts };
  const body = m.blocks?.length
    ? renderBlocks(m.blocks, where)
    : `<div class="bk-text">${mrkdwn(m.text)}</div>`;
  if (options.ephemeral) {
    return `<li class="msg ephemeral" data-key="e:${esc(m.ts)}">
      <div class="avatar" aria-hidden="true">A</div>
      <div class="msg-body">
        <div class="meta"><strong>Airlock</strong> <span class="app-badge">APP</span> <span class="time">${tsTime(m.ts)}</span>
          <span class="only-you">Only visible to you</span></div>
        ${body}
        <button type="button" class="link-button" data-dismiss="${esc(m.ts)}">Dismiss</button>
      </div></li>`;
  }
  const author = userById(m.user);
  const isBot = author?.role === 'bot';
  const files = (m.files || [])
    .map(
      (f) =>
        `<button type="button" class="file" data-file="${esc(f.id)}" data-focus-key="file/${esc(f.id)}"><span aria-hidden="true">📄</span> ${esc(f.name)} <span class="subtle">${esc(f.size)} bytes</span></button>`,
    )
    .join('');
  const replies =
    options.showReplies && m.replyCount
      ? `<button type="button" class="replies" data-open-thread="${esc(m.channel)}" data-ts="${esc(m.ts)}" data-focus-key="replies/${esc(m.ts)}">${m.replyCount} ${m.replyCount === 1 ? 'reply' : 'replies'}</button>`
      : '';
  return `<li class="msg" data-key="m:${esc(m.channel)}/${esc(m.ts)}">
    <div class="avatar${isBot ? ' bot' : ''}" aria-hidden="true">${esc((author?.realName || '?').charAt(0))}</div>
    <div class="msg-body">
      <div class="meta"><strong>${esc(isBot ? 'Airlock' : author?.realName || m.user)}</strong>${isBot ? ' <span class="app-badge">APP</span>' : ''}
        <span class="time">${tsTime(m.ts)}</span>${m.edited ? ' <span class="subtle">(edited)</span>' : ''}</div>
      ${body}${files ? `<div class="files">${files}</div>` : ''}${replies}
    </div></li>`;
}

// ── rendering ─────────────────────────────────────────────────────────────────────────────────────────────

function keepFocus(render) {
  const key = document.activeElement?.dataset?.focusKey;
  render();
  if (key) document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
}

function renderUsers() {
  const select = $('acting-as');
  const humans = app.state.users.filter((u) => u.role !== 'bot');
  const options = humans
    .map((u) => `<option value="${esc(u.id)}">${esc(u.realName)} (${ROLE_LABEL[u.role]})</option>`)
    .join('');
  if (select.dataset.rendered !== options) {
    select.innerHTML = options;
    select.dataset.rendered = options;
  }
  select.value = app.user;
}

function unread(channelId) {
  const messages = app.state.messages[channelId] || [];
  const last = app.lastRead[`${app.user}/${channelId}`] ?? '0';
  return messages.filter((m) => m.ts > last).length;
}

function renderSidebar() {
  const item = (c) => {
    const count = c.id === app.channel ? 0 : unread(c.id);
    const badge = count ? ` <span class="badge">${count} new</span>` : '';
    const current = c.id === app.channel ? ' aria-current="page"' : '';
    return `<li><button type="button" class="nav-item" data-channel="${esc(c.id)}" data-focus-key="nav/${esc(c.id)}"${current}>${esc(channelLabel(c))}${badge}</button></li>`;
  };
  $('channel-list').innerHTML = app.state.channels
    .filter((c) => !c.isIm)
    .map(item)
    .join('');
  const dms = app.state.channels.filter((c) => c.isIm);
  $('dm-list').innerHTML = dms.map(item).join('');
  $('dm-empty').hidden = dms.length > 0;
}

function ephemeralsIn(channel, threadTs) {
  return app.state.ephemerals.filter(
    (e) => e.channel === channel && (e.threadTs ?? null) === (threadTs ?? null) && !app.dismissed.has(e.ts),
  );
}

function stickToBottom(list, render) {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  render();
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function renderChannel() {
  const channel = channelById(app.channel);
  $('channel-title').textContent = channel.isIm ? 'Airlock · direct message' : channelLabel(channel);
  $('composer-label').textContent = `Slash command in ${channelLabel(channel)}`;
  const items = [
    ...(app.state.messages[app.channel] || []).map((m) => ({
      ts: m.ts,
      html: renderMessage(m, { showReplies: true }),
    })),
    ...ephemeralsIn(app.channel, null).map((e) => ({
      ts: e.ts,
      html: renderMessage(e, { ephemeral: true }),
    })),
  ].sort((a, b) => a.ts.localeCompare(b.ts));
  const list = $('messages');
  stickToBottom(list, () => {
    list.innerHTML = items.length
      ? items.map((i) => i.html).join('')
      : '<li class="empty">No messages yet.</li>';
  });
  app.lastRead[`${app.user}/${app.channel}`] = items.length ? items[items.length - 1].ts : '0';
}

function renderThread() {
  const t = app.thread;
  const list = $('thread');
  $('thread-empty').hidden = !!t;
  $('thread-close').hidden = !t;
  if (!t) {
    list.innerHTML = '';
    $('thread-title').textContent = 'Thread';
    return;
  }
  const channel = channelById(t.channel);
  const parent = (app.state.messages[t.channel] || []).find((m) => m.ts === t.ts);
  $('thread-title').textContent = `Thread in ${channel ? channelLabel(channel) : t.channel}`;
  const replies = app.state.threads[`${t.channel}/${t.ts}`] || [];
  const items = [
    ...replies.map((m) => ({ ts: m.ts, html: renderMessage(m) })),
    ...ephemeralsIn(t.channel, t.ts).map((e) => ({ ts: e.ts, html: renderMessage(e, { ephemeral: true }) })),
  ].sort((a, b) => a.ts.localeCompare(b.ts));
  stickToBottom(list, () => {
    list.innerHTML =
      (parent ? renderMessage(parent) : '') +
      `<li class="thread-divider" aria-hidden="true">${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}</li>` +
      items.map((i) => i.html).join('');
  });
}

function renderClock() {
  if (!app.clock) return;
  const elapsed = (performance.now() - app.clock.receivedAt) * app.clock.scale;
  $('clock-now').textContent = fullTime(new Date(Date.parse(app.clock.now) + elapsed));
  $('clock-now').dateTime = new Date(Date.parse(app.clock.now) + elapsed).toISOString();
  $('clock-scale').textContent =
    app.clock.scale === 0 ? '(paused: moves only when fast-forwarded)' : `(${app.clock.scale}× real time)`;
}

function renderSamples() {
  const select = $('sample-select');
  const options = app.state.samples
    .map((s) => `<option value="${esc(s.id)}">${esc(s.label)}</option>`)
    .join('');
  if (select.dataset.rendered !== options) {
    const value = select.value;
    select.innerHTML = options;
    select.dataset.rendered = options;
    if (value) select.value = value;
  }
  const sample = app.state.samples.find((s) => s.id === select.value);
  $('sample-expect').textContent = sample ? `Expect: ${sample.expect}` : '';
}

function statusBadge(status) {
  return `<span class="status status-${esc(status.toLowerCase())}">${esc(status.replace(/_/g, ' ').toLowerCase())}</span>`;
}

function renderIncidentList() {
  const incidents = app.state.incidents;
  $('incident-empty').hidden = incidents.length > 0;
  $('incident-list').innerHTML = incidents
    .map(
      (
        i,
      ) => `<li><button type="button" class="incident-item" data-incident="${esc(i.incidentId)}" data-focus-key="inc/${esc(i.incidentId)}">
        <span class="incident-id">${esc(i.incidentId)}</span> ${statusBadge(i.status)}
        <span class="incident-meta">${esc(i.severity)} · ${esc(i.type)} · ${esc(i.resource)} · ${esc(i.route)}</span></button></li>`,
    )
    .join('');
}

function table(headers, rows, caption) {
  return `<table><caption>${esc(caption)}</caption><thead><tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>
    <tbody>${rows.join('')}</tbody></table>`;
}

function who(userId) {
  const user = userById(userId);
  return user ? user.realName : userId;
}

function decisionLines(view) {
  if (!view.approvals.length) return '<p>No approval requested.</p>';
  return view.approvals
    .map((a) => {
      const kind = a.kind === 'escalation' ? 'Escalation' : 'Approval';
      if (a.decision) {
        const verb = a.decision === 'approve' ? 'Approved' : 'Rejected';
        return `<p class="decision">${kind}: <strong>${verb} by ${esc(who(a.decidedBy))}</strong> at ${esc(hhmm(a.decidedAt))}</p>`;
      }
      if (a.expiredAt || a.escalatedTo) {
        const to = a.escalatedTo ? `, escalated to ${esc(who(a.escalatedTo))}` : '';
        return `<p class="decision">${kind}: expired at ${esc(hhmm(a.expiredAt || a.expiresAt))}${to}</p>`;
      }
      return `<p class="decision">${kind}: pending, expires at ${esc(hhmm(a.expiresAt))}</p>`;
    })
    .join('');
}

function renderEstateComparison(estate) {
  const summary =
    estate.identical === true
      ? '<p class="verdict ok">After matches before: identical to the pre-incident state.</p>'
      : estate.identical === false
        ? `<p class="verdict changed">${estate.differences.length} difference(s) from the pre-incident state.</p>`
        : `<p class="verdict">${esc(estate.note || 'No comparison available.')}</p>`;
  const rows = estate.rows.map(
    (
      r,
    ) => `<tr class="${r.changed ? 'changed' : ''}"><th scope="row">${esc(r.field)}${r.changed ? ' <span class="tag-changed">changed</span>' : ''}</th>
      <td>${esc(r.before)}</td><td>${esc(r.after)}</td></tr>`,
  );
  const snapshots = estate.snapshots.length
    ? `<ul class="plain">${estate.snapshots.map((s) => `<li><code>${esc(s.snapshotId)}</code> of <code>${esc(s.volumeId)}</code> (${esc(s.state)})</li>`).join('')}</ul>`
    : '<p>None.</p>';
  return `${summary}${rows.length ? table(['Field', 'Before', 'After'], rows, 'Estate before and after') : ''}
    <h4>Snapshots tagged with this incident</h4>${snapshots}`;
}

function renderIncident() {
  const showing = !!app.incidentId;
  $('incident-list-view').hidden = showing;
  $('incident-view').hidden = !showing;
  if (!showing) return;
  const view = app.incident;
  if (!view || view.incident.incidentId !== app.incidentId) {
    $('incident-detail').innerHTML = '<p>Loading…</p>';
    return;
  }
  const i = view.incident;
  const steps = i.steps.map(
    (s) => `<tr><th scope="row">${esc(s.name)}</th><td>${esc(s.status)}</td><td>${esc(s.summary)}</td></tr>`,
  );
  const ex = view.execution;
  const timeline = ex
    ? ex.timeline.map(
        (
          r,
        ) => `<tr><th scope="row">${esc(r.state)}${r.mapIndex !== undefined ? ` [${r.mapIndex}]` : ''}</th><td>${esc(r.status)}${r.retries ? ` (${r.retries} retr${r.retries === 1 ? 'y' : 'ies'})` : ''}${r.error ? `: ${esc(r.error)}` : ''}</td>
          <td>${esc(duration(r.durationMs))}</td><td><code>${esc(r.inputDigest || '—')}</code></td><td><code>${esc(r.outputDigest || '—')}</code></td></tr>`,
      )
    : [];
  const evidence = i.evidence.map(
    (e) =>
      `<tr><th scope="row">${esc(e.kind)}</th><td><code>${esc(e.id)}</code></td><td><code>${esc(e.sha256 ? `${e.sha256.slice(0, 12)}…` : '—')}</code></td><td>${esc(hhmm(e.at))}</td></tr>`,
  );
  const audit = view.audit.map(
    (a) =>
      `<tr><td>${esc(hhmm(a.at))}</td><td>${esc(a.actor.startsWith('slack:') ? who(a.actor.slice(6)) : a.actor)}</td><td>${esc(a.action)}</td></tr>`,
  );
  $('incident-detail').innerHTML = `
    <h3 class="incident-title">${esc(i.incidentId)} ${statusBadge(i.status)}</h3>
    <p><button type="button" class="link-button" data-report="${esc(i.incidentId)}">Open report</button></p>
    <p class="incident-meta">${esc(i.request.severity.label)} ${esc(i.request.severity.value)} · <code>${esc(i.request.type)}</code> · route ${esc(i.route)}</p>
    <h4>Decision</h4>${decisionLines(view)}
    <h4>Estate before and after</h4>${renderEstateComparison(view.estate)}
    <h4>Steps</h4>${steps.length ? table(['Step', 'Result', 'Summary'], steps, 'Steps recorded in the ledger') : '<p>None yet.</p>'}
    <h4>Execution</h4>${
      ex
        ? `<p>${esc(ex.status)} · ${ex.transitions} state transitions${ex.error ? ` · ${esc(ex.error)}` : ''}</p>
           ${table(['State', 'Result', 'Duration', 'Input sha256', 'Output sha256'], timeline, 'Execution timeline')}`
        : '<p>No execution.</p>'
    }
    <h4>Evidence manifest</h4>${evidence.length ? table(['Kind', 'Id', 'sha256', 'At'], evidence, 'Evidence manifest') : '<p>None.</p>'}
    <h4>Audit trail</h4>${audit.length ? table(['At', 'Actor', 'Action'], audit, 'Audit trail') : '<p>None.</p>'}`;
}

function groupChip(g) {
  const role = g.role === 'isolation' ? ' isolation' : g.role === 'allow-all' ? ' allow-all' : '';
  const label =
    g.role === 'isolation' ? ' (Airlock isolation)' : g.role === 'allow-all' ? ' (Airlock allow-all)' : '';
  return `<span class="chip${role}">${esc(g.groupName)}${label} <code>${esc(g.groupId)}</code></span>`;
}

function renderEstate() {
  const e = app.estate;
  if (!e) {
    $('estate').innerHTML = '<p>Loading…</p>';
    return;
  }
  const instances = e.instances.map((i) => {
    const enis = i.networkInterfaces
      .map(
        (n) =>
          `<li><code>${esc(n.networkInterfaceId)}</code>: ${n.securityGroups.map(groupChip).join(' ')}${n.publicIp ? ` · public ${esc(n.publicIp)}` : ''}</li>`,
      )
      .join('');
    const profile = i.instanceProfile
      ? `${esc(i.instanceProfile.name)} (${i.instanceProfile.roles.map((r) => `${esc(r.roleName)}: ${r.inlinePolicies.length ? r.inlinePolicies.map(esc).join(', ') : 'no inline policies'}`).join('; ')})`
      : 'none';
    const tags = Object.entries(i.tags)
      .map(([k, v]) => `<code>${esc(k)}=${esc(v)}</code>`)
      .join(' ');
    return `<article class="estate-item" aria-labelledby="est-${esc(i.instanceId)}">
      <h3 id="est-${esc(i.instanceId)}"><code>${esc(i.instanceId)}</code> ${esc(i.name || '')}</h3>
      <p>${esc(i.state)} · ${esc(i.region)}${i.ssmManaged ? ' · SSM managed' : ''}${i.terminationProtection ? ' · termination protection on' : ''}</p>
      <ul class="plain">${enis}</ul>
      <p>Instance profile: ${profile}</p>
      ${i.autoScalingGroup ? `<p>Auto Scaling group: ${esc(i.autoScalingGroup)}</p>` : ''}
      ${i.targetGroups.length ? `<p>Target groups: ${i.targetGroups.map((t) => `${esc(t.name)}:${t.port} (${esc(t.state)})`).join(', ')}</p>` : ''}
      ${i.elasticIps.length ? `<p>Elastic IPs: ${i.elasticIps.map((a) => esc(a.publicIp)).join(', ')}</p>` : ''}
      ${i.snapshots.length ? `<p>Snapshots: ${i.snapshots.map((s) => `<code>${esc(s.snapshotId)}</code>${s.incidentId ? ` (${esc(s.incidentId)})` : ''}`).join(', ')}</p>` : ''}
      ${tags ? `<p class="tags">Tags: ${tags}</p>` : ''}
    </article>`;
  });
  const users = e.users.map(
    (u) =>
      `<li><strong>${esc(u.userName)}</strong>: ${u.accessKeys.map((k) => `<code>${esc(k.accessKeyId)}</code> ${esc(k.status)}`).join(', ') || 'no keys'}${u.inlinePolicies.length ? ` · policies ${u.inlinePolicies.map(esc).join(', ')}` : ''}</li>`,
  );
  const pab = (b) =>
    b
      ? Object.entries(b)
          .map(([k, v]) => `${k} ${v ? 'on' : 'off'}`)
          .join(', ')
      : 'not set';
  const buckets = e.buckets.map(
    (b) => `<li><strong>${esc(b.name)}</strong>: public access block ${esc(pab(b.publicAccessBlock))}</li>`,
  );
  $('estate').innerHTML = `<h3 class="section-title">Instances</h3>${instances.join('')}
    <h3 class="section-title">IAM users</h3><ul class="plain">${users.join('')}</ul>
    <h3 class="section-title">S3 buckets</h3><ul class="plain">${buckets.join('')}</ul>`;
}

function renderPages() {
  const p = app.pages;
  if (!p) {
    $('pages').innerHTML = '<p>Loading…</p>';
    return;
  }
  if (!p.enabled) {
    $('pages').innerHTML =
      '<p>Paging is off: no PagerDuty routing key is configured, so nobody is paged.</p>';
    return;
  }
  const r = p.requests;
  const counts = `<p class="hint">${r.total} request${r.total === 1 ? '' : 's'} to PagerDuty: ${r.accepted} accepted, ${r.rateLimited} rate-limited (429), ${r.serverErrors} failed (5xx), ${r.refused} refused (400).</p>`;
  if (!p.alerts.length) {
    $('pages').innerHTML = `${counts}<p>No pages yet: contain an incident to page the on-call.</p>`;
    return;
  }
  const alerts = p.alerts.map((a) => {
    const events = a.events
      .map(
        (e) =>
          `<li><time>${esc(hhmm(e.at))}</time> <strong>${esc(e.action)}</strong>${e.airlockEvent ? ` (${esc(e.airlockEvent)})` : ''}${e.severity ? ` · ${esc(e.severity)}` : ''}</li>`,
      )
      .join('');
    const links = a.links
      .filter((l) => /^https:\/\//.test(l.href))
      .map(
        (l) =>
          `<a href="${esc(l.href)}" rel="noopener noreferrer" target="_blank">${esc(l.text || l.href)}</a>`,
      )
      .join(' ');
    return `<article class="page-alert page-${esc(a.status)}" aria-labelledby="pd-${esc(a.id)}">
      <h3 id="pd-${esc(a.id)}"><span class="status status-${esc(a.status)}">${esc(a.status)}</span> <span class="chip">${esc(a.severity)}</span> <code>${esc(a.dedupKey)}</code></h3>
      <p>${esc(a.summary)}</p>
      <p class="hint">Opened ${esc(hhmm(a.createdAt))}${a.resolvedAt ? ` · resolved ${esc(hhmm(a.resolvedAt))}` : ''} · source <code>${esc(a.source)}</code>${links ? ` · ${links}` : ''}</p>
      <ol class="plain page-events" aria-label="Events of ${esc(a.dedupKey)}">${events}</ol>
    </article>`;
  });
  $('pages').innerHTML = counts + alerts.join('');
}

function announce() {
  const fresh = [];
  for (const [channel, messages] of Object.entries(app.state.messages)) {
    for (const m of messages) {
      const key = `${channel}/${m.ts}`;
      if (!app.seen.has(key)) fresh.push({ key, channel, text: m.text });
    }
  }
  for (const replies of Object.values(app.state.threads)) {
    for (const m of replies) {
      const key = `${m.channel}/${m.ts}`;
      if (!app.seen.has(key)) fresh.push({ key, channel: m.channel, text: m.text });
    }
  }
  for (const e of app.state.ephemerals) {
    const key = `e/${e.ts}`;
    if (!app.seen.has(key)) fresh.push({ key, channel: e.channel, text: `Only visible to you: ${e.text}` });
  }
  const first = app.seen.size === 0;
  for (const f of fresh) app.seen.add(f.key);
  if (first || !fresh.length) return;
  const live = $('live');
  for (const f of fresh.slice(-3)) {
    const channel = channelById(f.channel);
    const p = document.createElement('p');
    p.textContent = `New in ${channel ? channelLabel(channel) : f.channel}: ${f.text}`;
    live.append(p);
  }
  while (live.childElementCount > 6) live.firstElementChild.remove();
}

function render() {
  app.buttons = [];
  keepFocus(() => {
    renderUsers();
    renderSidebar();
    renderChannel();
    renderThread();
    renderSamples();
    renderIncidentList();
    renderIncident();
    renderEstate();
    renderPages();
  });
  renderClock();
  announce();
}

// ── data ──────────────────────────────────────────────────────────────────────────────────────────────────

async function load() {
  const state = await api(app.user ? `/api/state?user=${encodeURIComponent(app.user)}` : '/api/state');
  app.state = state;
  app.user = state.user;
  app.clock = { ...state.clock, receivedAt: performance.now() };
  if (!app.channel || !channelById(app.channel)) app.channel = state.settings.socChannel;
  if (app.thread && !channelById(app.thread.channel)) app.thread = null;
  const extra = [];
  if (app.incidentId)
    extra.push(api(`/api/incidents/${encodeURIComponent(app.incidentId)}`).then((v) => (app.incident = v)));
  if (app.tab === 'estate') extra.push(api('/api/estate').then((e) => (app.estate = e)));
  if (app.tab === 'pages') extra.push(api('/api/pages').then((p) => (app.pages = p)));
  await Promise.all(extra);
  render();
  // The figures follow the drill: re-read them when something moved while the Metrics view is open.
  if (app.tab === 'metrics') await loadMetrics();
}

/** One refresh at a time; changes that arrive meanwhile trigger exactly one more. */
function refresh() {
  if (app.refreshing) {
    app.again = true;
    return app.refreshing;
  }
  app.refreshing = load()
    .catch((error) => toast(`Could not load the workspace: ${error.message}`))
    .finally(() => {
      app.refreshing = null;
      if (app.again) {
        app.again = false;
        refresh();
      }
    });
  return app.refreshing;
}

function connect() {
  const source = new EventSource('/api/events');
  source.addEventListener('hello', () => {
    $('connection').textContent = 'Live';
    refresh();
  });
  source.addEventListener('change', () => refresh());
  source.onerror = () => {
    $('connection').textContent = 'Reconnecting…';
  };
}

// ── actions ───────────────────────────────────────────────────────────────────────────────────────────────

function confirmDialog(confirm, style) {
  const dialog = $('confirm');
  $('confirm-title').textContent = confirm.title?.text || 'Are you sure?';
  $('confirm-text').innerHTML = textObject(confirm.text);
  $('confirm-ok').textContent = confirm.confirm?.text || 'Yes';
  $('confirm-deny').textContent = confirm.deny?.text || 'Cancel';
  $('confirm-ok').className = style === 'danger' ? 'danger' : 'primary';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    $('confirm-deny').focus();
  });
}

async function clickButton(el) {
  const b = app.buttons[Number(el.dataset.button)];
  if (!b) return;
  if (b.confirm && !(await confirmDialog(b.confirm, b.style))) return;
  el.disabled = true;
  el.setAttribute('aria-busy', 'true');
  try {
    await api('/api/click', {
      userId: app.user,
      channelId: b.channel,
      messageTs: b.ts,
      actionId: b.actionId,
      value: b.value,
      blockId: b.blockId,
    });
  } catch (error) {
    toast(`The click failed: ${error.message}`);
  } finally {
    el.disabled = false;
    el.removeAttribute('aria-busy');
    el.focus();
  }
}

function openThread(channel, ts) {
  app.thread = { channel, ts };
  selectTab('thread');
  renderThread();
  $('thread').focus();
}

function selectChannel(id) {
  app.channel = id;
  render();
  $('messages').focus();
}

function selectTab(name, focus) {
  app.tab = name;
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const selected = tab.id === `tab-${name}`;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(tab.getAttribute('aria-controls')).hidden = !selected;
    if (selected && focus) tab.focus();
  }
  if (name === 'metrics') loadMetrics();
  if (name === 'pages')
    api('/api/pages')
      .then((p) => {
        app.pages = p;
        renderPages();
      })
      .catch((error) => toast(error.message));
  if (name === 'estate')
    api('/api/estate')
      .then((e) => {
        app.estate = e;
        renderEstate();
      })
      .catch((error) => toast(error.message));
}

// ── report and metrics ────────────────────────────────────────────────────────────────────────────────────

/** Markdown shown as preformatted text: every line escaped; headings only get a class (no HTML from the file). */
function markdownHtml(text) {
  const lines = String(text ?? '')
    .split('\n')
    .map((line) => {
      const heading = /^(#{1,6})\s/.exec(line);
      return heading ? `<span class="md-h md-h${heading[1].length}">${esc(line)}</span>` : esc(line);
    });
  return `<pre class="report-md">${lines.join('\n')}</pre>`;
}

function showReport(html) {
  $('report-view').innerHTML = html;
  selectTab('report');
  $('report-title').focus();
}

async function openReport(incidentId) {
  try {
    const r = await api(`/api/incidents/${encodeURIComponent(incidentId)}/report`);
    $('report-title').textContent = `Report v${r.version} · ${r.incidentId}`;
    showReport(`<p class="report-meta">SHA-256 (JSON, checked against the ledger) <code>${esc(r.sha256)}</code></p>
      <p><a href="${esc(r.jsonUrl)}" target="_blank" rel="noopener">JSON rendering</a> · written ${esc(hhmm(r.writtenAt))}</p>
      ${markdownHtml(r.markdown)}`);
  } catch (error) {
    $('report-title').textContent = 'Report';
    showReport(`<p><strong>No report</strong>: ${esc(error.message)}</p>`);
  }
}

async function openFile(fileId) {
  try {
    const f = await api(`/api/files/${encodeURIComponent(fileId)}`);
    $('report-title').textContent = f.title || f.name;
    showReport(
      `<p class="report-meta"><code>${esc(f.name)}</code> · ${esc(f.size)} bytes · shared in Slack</p>${markdownHtml(f.text)}`,
    );
  } catch (error) {
    toast(error.message);
  }
}

const OUTCOME_COLORS = {
  RESOLVED: '#2e7d32',
  RESTORED: '#1565c0',
  ESCALATED_UNRESOLVED: '#ef6c00',
  FAILED: '#c62828',
  NOTIFIED: '#6a1b9a',
  IGNORED: '#757575',
};
const charts = [];

function daySeconds(date) {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}

function chart(el, title, x, series, yLabel) {
  const opts = {
    title,
    width: Math.max(300, el.clientWidth || 420),
    height: 170,
    // Counts, seconds and rates start at 0; an all-zero series still shows a 0–1 axis.
    scales: {
      x: { time: true },
      y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil((max || 0) * 1.1))] },
    },
    axes: [{}, { label: yLabel, size: 50 }],
    series: [
      {},
      ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: true } })),
    ],
  };
  charts.push(new uPlot(opts, [x, ...series.map((s) => s.values)], el));
}

function fmtSeconds(s) {
  return s === null || s === undefined ? '—' : duration(s * 1000);
}

function renderMetrics(view) {
  for (const c of charts.splice(0)) c.destroy();
  const st = view.stats;
  const outcomes = Object.keys(st.byOutcome).sort();
  const rows = [
    ['Incidents closed', String(st.incidents)],
    ...outcomes.map((o) => [`  ${o}`, String(st.byOutcome[o])]),
    [
      'Time to contain p50 / p90',
      `${fmtSeconds(st.timeToContainSeconds.p50)} / ${fmtSeconds(st.timeToContainSeconds.p90)}`,
    ],
    [
      'Time to decision p50 / p90',
      `${fmtSeconds(st.timeToDecisionSeconds.p50)} / ${fmtSeconds(st.timeToDecisionSeconds.p90)}`,
    ],
    [
      'False-positive rate',
      st.falsePositiveRate === null
        ? 'no decisions'
        : `${(st.falsePositiveRate * 100).toFixed(1)} % (${st.rejects} of ${st.decisions})`,
    ],
    ['Escalations', String(st.escalations)],
    ['Failures', String(st.failures)],
  ];
  $('metrics-view').innerHTML = `${table(
    ['Figure', 'Value'],
    rows.map(
      ([k, v]) => `<tr><th scope="row">${esc(k)}</th><td data-figure="${esc(k.trim())}">${esc(v)}</td></tr>`,
    ),
    `Figures, last ${st.window}`,
  )}
    <div class="chart" data-chart="incidents"></div>
    <div class="chart" data-chart="contain"></div>
    <div class="chart" data-chart="decision"></div>
    <div class="chart" data-chart="false-positive"></div>
    <div class="chart" data-chart="escalations"></div>`;
  if (typeof uPlot === 'undefined') {
    $('metrics-view').insertAdjacentHTML(
      'beforeend',
      '<p><strong>The charting library did not load.</strong></p>',
    );
    return;
  }
  const x = st.perDay.map((d) => daySeconds(d.date));
  const el = (name) => document.querySelector(`[data-chart="${name}"]`);
  const shown = outcomes.length ? outcomes : ['RESOLVED'];
  chart(
    el('incidents'),
    'Incidents per day by outcome',
    x,
    shown.map((o) => ({
      label: o,
      color: OUTCOME_COLORS[o] || '#333',
      values: st.perDay.map((d) => d.byOutcome[o] || 0),
    })),
    'incidents',
  );
  const days = view.days;
  chart(
    el('contain'),
    'Time to contain (s)',
    x,
    [
      { label: 'p50', color: '#1565c0', values: days.map((d) => d.ttcP50) },
      { label: 'p90', color: '#90caf9', values: days.map((d) => d.ttcP90) },
    ],
    'seconds',
  );
  chart(
    el('decision'),
    'Time to decision (s)',
    x,
    [
      { label: 'p50', color: '#6a1b9a', values: days.map((d) => d.ttdP50) },
      { label: 'p90', color: '#ce93d8', values: days.map((d) => d.ttdP90) },
    ],
    'seconds',
  );
  chart(
    el('false-positive'),
    'False-positive rate (rejects ÷ decisions, %)',
    x,
    [
      {
        label: 'rate %',
        color: '#ef6c00',
        values: days.map((d) => (d.falsePositiveRate === null ? null : d.falsePositiveRate * 100)),
      },
    ],
    '%',
  );
  chart(
    el('escalations'),
    'Escalations and failures',
    x,
    [
      { label: 'escalations', color: '#ef6c00', values: days.map((d) => d.escalations) },
      { label: 'failures', color: '#c62828', values: days.map((d) => d.failures) },
    ],
    'count',
  );
}

async function loadMetrics() {
  try {
    renderMetrics(await api(`/api/metrics?window=${encodeURIComponent($('metrics-window').value)}`));
  } catch (error) {
    $('metrics-view').innerHTML = `<p><strong>No figures</strong>: ${esc(error.message)}</p>`;
  }
}

async function openIncident(id) {
  app.incidentId = id;
  app.incident = null;
  selectTab('incidents');
  renderIncident();
  try {
    app.incident = await api(`/api/incidents/${encodeURIComponent(id)}`);
    renderIncident();
    $('incident-back').focus();
  } catch (error) {
    toast(error.message);
  }
}

function outcomeHtml(r) {
  if (r.error)
    return `<p><strong>Rejected</strong>: <code>${esc(r.error.field)}</code>: ${esc(r.error.message)}</p>`;
  const link = r.incidentId
    ? ` · <button type="button" class="link-button" data-incident="${esc(r.incidentId)}">${esc(r.incidentId)}</button>`
    : '';
  return `<p><strong>${esc(r.outcome)}</strong> · route <code>${esc(r.route)}</code>${link}</p><p class="hint">${esc(r.reason)}</p>`;
}

async function inject(body) {
  const out = $('inject-outcome');
  out.textContent = 'Injecting…';
  try {
    const { results } = await api('/api/inject', body);
    out.innerHTML = results.map(outcomeHtml).join('');
  } catch (error) {
    out.innerHTML = `<p><strong>Refused</strong>: ${error.field ? `<code>${esc(error.field)}</code>: ` : ''}${esc(error.message)}</p>`;
  }
}

async function sendComposer(event) {
  event.preventDefault();
  const input = $('composer-input');
  const line = input.value.trim();
  if (!line) return;
  const match = /^\/ir(?:\s+([\s\S]*))?$/.exec(line);
  if (!match) {
    toast('The drill workspace sends slash commands only: start with /ir (try /ir help).');
    return;
  }
  input.value = '';
  try {
    await api('/api/slash', { userId: app.user, channelId: app.channel, text: (match[1] || '').trim() });
  } catch (error) {
    input.value = line;
    toast(`/ir failed: ${error.message}`);
  }
}

function onTabKey(event) {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const index = tabs.indexOf(event.target);
  if (index < 0) return;
  const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: tabs.length - 1 - index };
  if (!(event.key in moves)) return;
  event.preventDefault();
  const next = tabs[(index + moves[event.key] + tabs.length) % tabs.length];
  selectTab(next.id.replace('tab-', ''), true);
}

document.addEventListener('click', (event) => {
  const target = event.target.closest('button, a');
  if (!target) return;
  const d = target.dataset;
  if (d.button !== undefined) clickButton(target);
  else if (d.openThread) {
    event.preventDefault();
    openThread(d.openThread, d.ts);
  } else if (d.channel) selectChannel(d.channel);
  else if (d.incident) openIncident(d.incident);
  else if (d.report) openReport(d.report);
  else if (d.file) openFile(d.file);
  else if (d.dismiss) {
    app.dismissed.add(d.dismiss);
    render();
  } else if (d.seconds) {
    api('/api/fast-forward', { seconds: Number(d.seconds) }).catch((error) => toast(error.message));
  } else if (target.getAttribute('role') === 'tab') selectTab(target.id.replace('tab-', ''));
});

document.addEventListener('DOMContentLoaded', () => {
  $('acting-as').addEventListener('change', (event) => {
    app.user = event.target.value;
    if (app.thread?.channel.startsWith('D')) app.thread = null;
    refresh();
  });
  $('composer').addEventListener('submit', sendComposer);
  $('sample-select').addEventListener('change', renderSamples);
  $('metrics-window').addEventListener('change', loadMetrics);
  $('inject-sample-form').addEventListener('submit', (event) => {
    event.preventDefault();
    inject({ sample: $('sample-select').value, fresh: $('sample-fresh').checked });
  });
  $('inject-json-form').addEventListener('submit', (event) => {
    event.preventDefault();
    let parsed;
    try {
      parsed = JSON.parse($('event-json').value);
    } catch (error) {
      $('inject-outcome').innerHTML = `<p><strong>Not JSON</strong>: ${esc(error.message)}</p>`;
      return;
    }
    inject({ event: parsed });
  });
  $('thread-close').addEventListener('click', () => {
    app.thread = null;
    renderThread();
    selectTab('incidents', true);
  });
  $('incident-back').addEventListener('click', () => {
    app.incidentId = null;
    app.incident = null;
    renderIncident();
    $('incident-list').querySelector('button')?.focus();
  });
  document.querySelector('[role="tablist"]').addEventListener('keydown', onTabKey);
  setInterval(() => {
    if (app.clock?.scale) renderClock();
  }, 1000);
  connect();
});
