import type { FakeJiraIssue } from './fake-jira';

/** HTML-escapes text (every string on these pages comes from a request, i.e. from a finding). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

type Line = { text: string; href?: string }[];

const safeHref = (href: string) => (/^https?:\/\//i.test(href) ? escapeHtml(href) : '#');

function lineHtml(line: Line): string {
  return line
    .map((s) =>
      s.href
        ? `<a href="${safeHref(s.href)}" rel="noopener noreferrer">${escapeHtml(s.text)}</a>`
        : escapeHtml(s.text),
    )
    .join('');
}

const STYLE = `body{font:14px/1.5 system-ui,sans-serif;margin:2rem;max-width:56rem;color:#172b4d}
h1{font-size:1.3rem}.meta span{display:inline-block;margin-right:1rem}.status{background:#dfe1e6;border-radius:3px;padding:0 .4rem;font-weight:600}
.label{background:#e9f2ff;border-radius:3px;padding:0 .3rem;margin-right:.3rem}.comment{border-top:1px solid #dfe1e6;padding:.5rem 0}
.fake{color:#6b778c;font-size:.85rem}`;

function shell(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}<p class="fake">Fake Jira (Airlock drill): read-only.</p></body></html>`;
}

/** The read-only issue page the card's ticket link opens: summary, status, labels, description, comments. */
export function issuePage(
  issue: FakeJiraIssue,
  description: Line[],
  comments: { at: string; lines: Line[] }[],
): string {
  const labels = issue.labels.map((l) => `<span class="label">${escapeHtml(l)}</span>`).join('');
  const body = `<p><a href="/browse">All issues</a></p>
<h1 data-key="${escapeHtml(issue.key)}">${escapeHtml(issue.key)}: ${escapeHtml(issue.summary)}</h1>
<p class="meta"><span>Status: <span class="status" data-status>${escapeHtml(issue.status)}</span></span><span>Type: ${escapeHtml(issue.issueType)}</span>${issue.priority ? `<span>Priority: ${escapeHtml(issue.priority)}</span>` : ''}</p>
<p data-labels>${labels}</p>
<h2>Description</h2><div data-description>${description.map((l) => `<p>${lineHtml(l)}</p>`).join('')}</div>
<h2>Comments (${comments.length})</h2><div data-comments>${comments
    .map(
      (c) =>
        `<div class="comment"><div class="fake">${escapeHtml(c.at)}</div>${c.lines.map((l) => `<p>${lineHtml(l)}</p>`).join('')}</div>`,
    )
    .join('')}</div>`;
  return shell(`${issue.key}: ${issue.summary}`, body);
}

export function issueListPage(issues: FakeJiraIssue[], notice?: string): string {
  const rows = issues
    .map(
      (i) =>
        `<li><a href="/browse/${encodeURIComponent(i.key)}">${escapeHtml(i.key)}</a> <span class="status">${escapeHtml(i.status)}</span> ${escapeHtml(i.summary)}</li>`,
    )
    .join('');
  return shell(
    'Fake Jira',
    `${notice ? `<p>${escapeHtml(notice)}</p>` : ''}<h1>Issues</h1><ul>${rows || '<li>None yet.</li>'}</ul>`,
  );
}
