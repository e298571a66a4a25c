import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractArtifact, hasEndMarker, parseRoleHeader, stripEndMarker } from '../../src/engine/protocol.js';

const NAMES = ['CEO', 'CPO', 'CTO', 'Programmer', 'Customer'];

describe('END CONVERSATION detection', () => {
  it.each([
    'Done.\n\nEND CONVERSATION',
    'Done.\n\n**END CONVERSATION**',
    'Done.\n\n*END CONVERSATION.*',
    'Done.\n\n`END CONVERSATION`',
    'Done.\n\n## END CONVERSATION',
    'Done.\n\nend conversation',
    'Done.\n\nEnd Conversation!',
    'Done.\n\n**end conversation.**',
    'Done. END CONVERSATION',
    'Done.\n\nEND_CONVERSATION',
    'Done.\n\n> END CONVERSATION',
  ])('detects %j and strips it from the artifact', (text) => {
    expect(hasEndMarker(text)).toBe(true);
    expect(stripEndMarker(text)).toBe('Done.');
  });

  it.each(['We should not end conversations early.', 'Before we end conversation, one more point.', 'The END is near.'])(
    'does not end on prose: %j',
    (text) => expect(hasEndMarker(text)).toBe(false),
  );

  it('property: any text plus a decorated marker on its own line is detected, and the marker leaves the artifact', () => {
    const body = fc.string({ maxLength: 200 }).filter((s) => !/end[ \t_-]*conversation/i.test(s));
    const decor = fc.constantFrom('', '**', '*', '_', '`', '__');
    const word = fc.constantFrom('END CONVERSATION', 'end conversation', 'End Conversation', 'END  CONVERSATION');
    const punct = fc.constantFrom('', '.', '!', ':');
    fc.assert(
      fc.property(body, decor, word, punct, (text, d, w, p) => {
        const reply = `${text}\n\n${d}${w}${p}${d}\n`;
        expect(hasEndMarker(reply)).toBe(true);
        expect(stripEndMarker(reply)).toBe(text.trim());
      }),
    );
  });

  it('property: text without the words never ends a conversation', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        fc.pre(!/end[ \t_-]*conversation/i.test(text));
        expect(hasEndMarker(text)).toBe(false);
      }),
    );
  });
});

describe('role headers', () => {
  it.each([
    ['CTO:\n\nHello', 'CTO', 'Hello'],
    ['**CTO:**\n\nHello', 'CTO', 'Hello'],
    ['**CTO**:\nHello', 'CTO', 'Hello'],
    ['### Programmer:\nHi', 'Programmer', 'Hi'],
    ['CEO: Let us start.', 'CEO', 'Let us start.'],
  ])('reads %j', (text, speaker, body) => {
    expect(parseRoleHeader(text, NAMES)).toEqual({ speaker, body });
  });

  it('does not take a sentence or an unknown inline word for a header', () => {
    expect(parseRoleHeader('Here is the plan for you:\n- a', NAMES)).toBeUndefined();
    expect(parseRoleHeader('Note: this is prose.', NAMES)).toBeUndefined();
    expect(parseRoleHeader('Just text.', NAMES)).toBeUndefined();
  });

  it('the artifact is the reply without header and marker', () => {
    expect(extractArtifact('**CEO:**\n\n# Plan\n\n- one\n\n**END CONVERSATION**', NAMES)).toBe('# Plan\n\n- one');
    expect(extractArtifact('CEO: short plan END CONVERSATION.', NAMES)).toBe('short plan');
  });
});
