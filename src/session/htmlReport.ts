/**
 * A session as one self-contained HTML page, for `roleplay export --format html`: the facts, a timeline, the phases
 * and conversations with every reply in its role's colour, the customer's messages, the exact request of every turn
 * folded under it, the artifacts and the cost table. It is built from the export document (`--format json`), the
 * cost report and the turns' requests; it folds nothing itself.
 *
 * It loads nothing and runs nothing: no script, no font, no image, no link out. Every text of the session (the
 * model's, the person's, the config's) is sanitised and HTML-escaped, and the Content-Security-Policy allows only
 * the page's own stylesheet (by its hash), so even text that got through could neither run nor load anything.
 */
import { createHash } from 'node:crypto';
import type { ChatMessage } from '../providers/types.js';
import { sanitize } from '../text/sanitize.js';
import { roleColor, STATUS_ICON, STATUS_WORD, TERMINAL_THEME, themeColor, CUSTOMER_COLOR } from '../views/palette.js';
import { FINISH_MARKS, type RunState } from '../views/runState.js';
import { formatUsd, type CostLine, type CostReport } from './costReport.js';
import type { ExportDocument, ExportedConversation, ExportedCustomerMessage, ExportedTurn } from './exportDocument.js';
import { END_REASONS } from './transcript.js';

export interface HtmlReportInput {
  doc: ExportDocument;
  /** The folded session, for the roles' colours. */
  state: RunState;
  cost: CostReport;
  /** The exact messages each turn sent, by turn id. */
  requestOf: (turnId: string) => readonly ChatMessage[] | undefined;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text of the session as HTML text or attribute value: sanitised (no controls, no BiDi overrides), then escaped. */
export function escapeHtml(text: string): string {
  return sanitize(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const CUSTOMER_STATUS: Record<ExportedCustomerMessage['status'], string> = {
  heard: 'heard',
  waiting: 'not heard yet: the next turn (or a --resume) delivers it',
  withdrawn: 'withdrawn: no model heard it',
};

const seconds = (ms: number | null) => (ms === null ? '' : `${(ms / 1000).toFixed(1)} s`);
const tokens = (line: Pick<CostLine, 'promptTokens' | 'completionTokens' | 'estimated'>) =>
  `${line.estimated ? '~' : ''}${line.promptTokens + line.completionTokens}`;

function stylesheet(roles: readonly string[]): string {
  const { fg, bg } = TERMINAL_THEME;
  const roleRules = roles.map((color, i) => `.r${i}{color:${color}}.b${i}{border-left-color:${color}}`).join('');
  return [
    `:root{color-scheme:dark}body{margin:0;background:${bg};color:${fg};font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}`,
    'main{display:grid;grid-template-columns:17rem minmax(0,1fr);gap:2rem;max-width:80rem;margin:0 auto;padding:1.5rem}',
    '@media (max-width:60rem){main{grid-template-columns:1fr}}',
    'nav{position:sticky;top:1rem;align-self:start;max-height:calc(100vh - 2rem);overflow:auto;font-size:14px}',
    'nav ol{list-style:none;padding-left:0;margin:.2rem 0 .8rem}nav li li{padding-left:1rem}a{color:#3b8eea}',
    'h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{margin:2rem 0 .5rem;border-bottom:1px solid #444}h3{margin:1.5rem 0 .3rem}',
    'dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:0}dt{color:#999}dd{margin:0}',
    '.meta,.note{color:#999;font-size:13px}',
    `.turn,.customer{border-left:4px solid #666;padding:.3rem .8rem;margin:.8rem 0;background:#252526}`,
    `.customer{border-left-color:${themeColor(CUSTOMER_COLOR)}}.customer .who{color:${themeColor(CUSTOMER_COLOR)}}`,
    '.who{font-weight:bold}.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0}',
    '.badge{display:inline-block;border:1px solid currentColor;border-radius:3px;padding:0 .3rem;font-size:12px;margin-left:.3rem}',
    '.edited{color:#d670d6}.bad{color:#f14c4c}.warn{color:#e5e510}',
    'details{margin:.3rem 0}summary{cursor:pointer;color:#999;font-size:13px}',
    'pre{white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.4 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;margin:.2rem 0 .6rem}',
    '.msg{border-left:2px solid #444;padding-left:.6rem;margin:.4rem 0}.msg .role{color:#999;font-size:12px;text-transform:uppercase}',
    'table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{padding:.15rem .7rem;border-bottom:1px solid #333;text-align:right}',
    'th:first-child,td:first-child{text-align:left}',
    roleRules,
  ].join('\n');
}

export function renderHtmlReport({ doc, state, cost, requestOf }: HtmlReportInput): string {
  const s = doc.session;
  const roles = state.workflow?.roles ?? [];
  const colours = roles.map((role) => themeColor(roleColor(state, role.id)));
  const roleClass = (roleId: string | null) => {
    const i = roles.findIndex((r) => r.id === roleId);
    return i < 0 ? '' : String(i);
  };
  // Anchors by place, never by the config's ids: any text may be an id.
  const conversationAnchor = new Map<string, string>();
  doc.phases.forEach((phase, p) => phase.conversations.forEach((c, i) => conversationAnchor.set(c.id, `conv-${p}-${i}`)));
  const artifactAnchor = new Map(doc.artifacts.map((a, i) => [a.id, `artifact-${i}`]));

  const request = (turnId: string): string => {
    const messages = requestOf(turnId);
    if (!messages) return '';
    const chars = messages.reduce((n, m) => n + m.content.length, 0);
    const body = messages
      .map((m) => `<div class="msg"><div class="role">${escapeHtml(m.role)}</div><pre>${escapeHtml(m.content)}</pre></div>`)
      .join('');
    return `<details><summary>The request: ${messages.length} message${messages.length === 1 ? '' : 's'}, ${chars} characters</summary>${body}</details>`;
  };

  const turn = (t: ExportedTurn): string => {
    const k = roleClass(t.role);
    const who = t.kind === 'sanity' ? 'Sanity check' : (t.roleName ?? t.role ?? '');
    const badges = [
      t.side ? `<span class="meta">${escapeHtml(t.side)} · turn ${t.index + 1}</span>` : '',
      t.author === 'person' ? '<span class="badge edited" title="a person in the role\'s seat wrote it">written by a person</span>' : '',
      t.edited ? '<span class="badge edited" title="the person replaced the model\'s text">edited by the person</span>' : '',
      t.status === 'interrupted' ? '<span class="badge warn">interrupted</span>' : '',
      t.status === 'failed' ? '<span class="badge bad">failed</span>' : '',
      t.status === 'streaming' ? '<span class="badge warn">unfinished: the run stopped during it</span>' : '',
      t.finish ? `<span class="badge warn">${escapeHtml(FINISH_MARKS[t.finish])}</span>` : '',
    ].join(' ');
    const facts = [
      escapeHtml(t.endpoint !== undefined ? `${t.model} @ ${t.endpoint}` : t.model),
      t.usage ? `${tokens(t.usage)} tokens (${t.usage.promptTokens} in, ${t.usage.completionTokens} out)` : '',
      seconds(t.durationMs),
    ]
      .filter(Boolean)
      .join(' · ');
    const warnings = t.warnings.map((w) => `<div class="note warn">${escapeHtml(w)}</div>`).join('');
    return [
      `<article class="turn${k && ` b${k}`}">`,
      `<div><span class="who${k && ` r${k}`}">${escapeHtml(who)}</span> ${badges}</div>`,
      t.reasoning.trim() ? `<details><summary>Thinking (not part of the reply)</summary><pre>${escapeHtml(t.reasoning.trim())}</pre></details>` : '',
      `<div class="text">${escapeHtml(t.text.trim()) || '<span class="note">(no text)</span>'}</div>`,
      warnings,
      `<div class="meta">${facts}</div>`,
      request(t.turnId),
      '</article>',
    ].join('');
  };

  const customer = (m: ExportedCustomerMessage): string =>
    `<aside class="customer"><div><span class="who">Customer</span>${m.status === 'heard' ? '' : ` <span class="badge warn">${escapeHtml(CUSTOMER_STATUS[m.status])}</span>`}</div><div class="text">${escapeHtml(m.text)}</div></aside>`;

  /** A conversation's turns with the customer's messages where they came. */
  const thread = (turns: ExportedTurn[], conversationId: string | null): string => {
    const messages = doc.customerMessages.filter((m) => m.conversationId === conversationId);
    const out: string[] = [];
    turns.forEach((t, i) => {
      for (const m of messages) if (m.afterTurns === i) out.push(customer(m));
      out.push(turn(t));
    });
    for (const m of messages) if (m.afterTurns >= turns.length) out.push(customer(m));
    return out.join('\n');
  };

  const link = (id: string, name: string) => {
    const anchor = artifactAnchor.get(id);
    return anchor ? `<a href="#${anchor}">${escapeHtml(name)}</a>` : escapeHtml(name);
  };
  const role = (r: { id: string; name: string }) => `<span class="who${roleClass(r.id) && ` r${roleClass(r.id)}`}">${escapeHtml(r.name)}</span>`;

  const conversation = (c: ExportedConversation): string => {
    const ended = c.endReason ? `${END_REASONS[c.endReason] ?? c.endReason}, ` : '';
    return [
      `<section id="${conversationAnchor.get(c.id) ?? ''}">`,
      `<h3>${STATUS_ICON[c.status]} ${escapeHtml(c.name)}</h3>`,
      `<div class="meta">${role(c.lead)} (lead) with ${role(c.assistant)}: ${link(c.input.id, c.input.name)} → ${link(c.output.id, c.output.name)} · ${escapeHtml(ended)}${c.turns.length}/${c.maxTurns} turns · ${STATUS_WORD[c.status]}</div>`,
      c.status === 'pending' ? '<p class="note">Not run.</p>' : thread(c.turns, c.id),
      '</section>',
    ].join('\n');
  };

  const timeline = doc.phases
    .map(
      (phase, p) =>
        `<li>${p + 1}. ${escapeHtml(phase.name)}<ol>${phase.conversations
          .map(
            (c) =>
              `<li>${STATUS_ICON[c.status]} <a href="#${conversationAnchor.get(c.id) ?? ''}">${escapeHtml(c.name)}</a> <span class="meta">${c.turns.length}/${c.maxTurns}</span></li>`,
          )
          .join('')}</ol></li>`,
    )
    .join('');

  const costTable = (title: string, lines: CostLine[]) =>
    `<h3>By ${title}</h3><table><thead><tr><th>${title}</th><th>calls</th><th>prompt tokens</th><th>completion tokens</th><th>cost</th></tr></thead><tbody>${lines
      .map(
        (l) =>
          `<tr><td>${escapeHtml(l.name)}</td><td>${l.turns}</td><td>${l.promptTokens}</td><td>${l.completionTokens}</td><td>${formatUsd(l)}</td></tr>`,
      )
      .join('')}</tbody></table>`;
  const t = cost.total;

  const status = `${s.status}${s.reason ? ` (${s.reason})` : ''}`;
  const facts: Array<[string, string]> = [
    ['Task', s.task],
    ['Model', `${s.model} (${s.provider})`],
    ['Context', s.context],
    ['Status', s.status === 'interrupted' ? 'not finished (still running, or stopped without an end: --resume goes on)' : status],
    ['Started', s.startedAt ?? 'unknown'],
    ['Duration', seconds(s.durationMs)],
    ['Replies', String(s.turns)],
    [
      'Tokens',
      `${s.tokens.estimated ? '~' : ''}${s.tokens.prompt + s.tokens.completion} (${s.tokens.prompt} prompt, ${s.tokens.completion} completion)`,
    ],
    ['Cost', formatUsd(t)],
  ];

  const body = [
    '<main>',
    `<nav aria-label="Timeline"><h2>Timeline</h2><ol>${doc.preamble.length ? '<li><a href="#preamble">Sanity check</a></li>' : ''}${timeline}<li><a href="#artifacts">Artifacts</a></li><li><a href="#cost">Cost</a></li></ol></nav>`,
    '<div>',
    `<h1>roleplay session ${escapeHtml(s.id)}</h1>`,
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`,
    s.description ? `<p class="note">${escapeHtml(s.description)}</p>` : '',
    doc.preamble.length || doc.customerMessages.some((m) => m.conversationId === null)
      ? `<section id="preamble"><h2>Before the first conversation</h2>${thread(doc.preamble, null)}</section>`
      : '',
    ...doc.phases.map((phase) => `<h2>${escapeHtml(phase.name)}</h2>\n${phase.conversations.map(conversation).join('\n')}`),
    '<h2 id="artifacts">Artifacts</h2>',
    ...doc.artifacts.map(
      (a) =>
        `<section id="${artifactAnchor.get(a.id) ?? ''}"><h3>${escapeHtml(a.name)}${a.incomplete ? ' <span class="badge warn">incomplete</span>' : ''}</h3>${
          a.producedBy && conversationAnchor.has(a.producedBy)
            ? `<div class="meta">from <a href="#${conversationAnchor.get(a.producedBy) ?? ''}">${escapeHtml(doc.phases.flatMap((p) => p.conversations).find((c) => c.id === a.producedBy)?.name ?? a.producedBy)}</a></div>`
            : ''
        }<pre>${escapeHtml(a.text)}</pre></section>`,
    ),
    '<h2 id="cost">Cost</h2>',
    `<p>Total: ${t.turns} calls (taken-back replies included), ${tokens(t)} tokens (${t.promptTokens} prompt, ${t.completionTokens} completion), cost ${formatUsd(t)}${t.estimated ? '; ~ marks usage estimated from the text' : ''}.</p>`,
    costTable('phase', cost.phases),
    costTable('conversation', cost.conversations),
    costTable('role', cost.roles),
    doc.warnings.length ? `<h2>Warnings</h2><ul>${doc.warnings.map((w) => `<li>${escapeHtml(w.message)}</li>`).join('')}</ul>` : '',
    '</div>',
    '</main>',
  ].join('\n');

  const css = stylesheet(colours);
  const hash = createHash('sha256').update(css).digest('base64');
  // Nothing may load or run: the one stylesheet below, by its hash, and nothing else.
  const policy = `default-src 'none'; style-src 'sha256-${hash}'; img-src 'none'; font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'; frame-src 'none'`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${policy}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>roleplay session ${escapeHtml(s.id)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
