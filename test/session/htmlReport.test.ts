import { describe, expect, it } from 'vitest';
import { RequestBook } from '../../src/engine/requestDelta.js';
import { costReport } from '../../src/session/costReport.js';
import { buildExportDocument } from '../../src/session/exportDocument.js';
import { escapeHtml, renderHtmlReport } from '../../src/session/htmlReport.js';
import { pricer } from '../../src/session/pricing.js';
import { foldEvents } from '../../src/session/sessionStore.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { completeRun, HOSTILE, hostileRun, stamp } from './fixtures.js';

function report(events: EngineEvent[]): string {
  const state = foldEvents(events);
  const requests = new RequestBook();
  for (const event of events) if (event.type === 'turn.started') requests.add(event);
  return renderHtmlReport({
    doc: buildExportDocument(state, { durationMs: 1500 }),
    state,
    cost: costReport(state, pricer({ m: { input: 1, output: 2 } })),
    requestOf: (turnId) => requests.get(turnId),
  });
}

/** The tags of a page, by name, outside the text. */
const tags = (html: string) => [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase());

describe('the HTML report', () => {
  it('has the phases, conversations, replies in order, the customer, requests folded, artifacts and the cost', () => {
    const html = report(stamp(completeRun()));
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    for (const text of [
      'Designing',
      'Planning',
      'CEO: what shall we plan?',
      'Keep it small, please.',
      'CTO: the plan. END CONVERSATION',
      'The plan.',
    ]) {
      expect(html).toContain(text);
    }
    // The taken-back reply is not in it; the customer's message comes between the two replies it came between.
    expect(html).not.toContain('CTO: a first draft');
    expect(html.indexOf('CEO: what shall we plan?')).toBeLessThan(html.indexOf('Keep it small'));
    expect(html.indexOf('Keep it small')).toBeLessThan(html.indexOf('CTO: the plan.'));
    // Five replies stand (the sanity check and four), each with its request folded under it.
    expect(html.match(/<article class="turn/g)).toHaveLength(5);
    expect(html.match(/<details><summary>The request: 1 message, 2 characters<\/summary>/g)).toHaveLength(5);
    expect(html).toContain('<h3>Code <span class="badge warn">incomplete</span></h3>');
    // Six calls were paid for (the taken-back one too): 60 prompt and 30 completion tokens at $1 and $2 per 1M.
    expect(html).toContain('Total: 6 calls (taken-back replies included), 90 tokens (60 prompt, 30 completion), cost $0.0001.');
    expect(html).toContain('<tr><td>Planning</td><td>3</td><td>30</td><td>15</td><td>$0.0001</td></tr>');
    // The roles keep the TUI's colours: CEO is the first role (cyan), CTO the second (magenta).
    expect(html).toContain('.r0{color:#11a8cd}');
    expect(html).toContain('.r1{color:#bc3fbc}');
    expect(html).toMatch(/<article class="turn b0"><div><span class="who r0">CEO<\/span>/);
    expect(tags(html).filter((t) => ['script', 'img', 'link', 'iframe', 'object', 'embed', 'form', 'base'].includes(t))).toEqual([]);
  });

  it('shows a run that stopped in the middle of a reply as not finished, the reply as unfinished', () => {
    const events = completeRun();
    const cut = events.findIndex((e) => e.type === 'turn.ended' && e.turnId === 't5');
    const html = report(stamp(events.slice(0, cut)));
    expect(html).toContain('<dt>Status</dt><dd>not finished (still running, or stopped without an end: --resume goes on)</dd>');
    expect(html).toMatch(/<span class="who r1">CTO<\/span> <span class="meta">lead · turn 1<\/span> +<span class="badge warn">unfinished/);
    expect(html).toContain('<h3>● Coding</h3>');
  });

  it('marks a reply the person edited', () => {
    const events = completeRun();
    const at = events.findIndex((e) => e.type === 'conversation.ended');
    events.splice(at, 0, {
      type: 'turn.edited',
      turnId: 't4',
      text: 'My own words. END CONVERSATION',
      previous: 'CTO: the plan. END CONVERSATION',
      endsConversation: true,
    });
    const html = report(stamp(events));
    expect(html).toMatch(/<span class="who r1">CTO<\/span> .*edited by the person<\/span>.*<div class="text">My own words\. END CONVERSATION<\/div>/);
    expect(html.match(/edited by the person/g)).toHaveLength(1);
  });

  it('escapes every text of the session: no tag, attribute or style of it survives', () => {
    const html = report(stamp(hostileRun()));
    // The page's own tags only: the hostile text added none (it is in every text, name and request).
    expect(tags(html)).toEqual(tags(report(stamp(completeRun()))));
    expect(html).not.toMatch(/<(script|img|iframe|svg|link|b id)/i);
    // No tag has an event handler (the text " onerror=" is there, as text).
    expect(html).not.toMatch(/<[a-z][^>]*\son\w+=/i);
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;');
    // Terminal escapes and BiDi overrides are gone, as everywhere model text is shown.
    expect(html).not.toMatch(/[\x1b\u202e]/);
    // One stylesheet, allowed by its hash; nothing else may load or run.
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(HOSTILE).toContain('<script>');
  });

  it('escapeHtml escapes the five characters that matter and sanitises', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeHtml('a\x1b[31mred\x1b[0m\u202e')).toBe('ared');
  });
});
