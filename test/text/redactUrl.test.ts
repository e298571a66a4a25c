import { describe, expect, it } from 'vitest';
import { redactUrl, redactUrls } from '../../src/text/redactUrl.js';

describe('redactUrl', () => {
  it('takes out user:password and key-like query parameters', () => {
    expect(redactUrl('https://alice:s3cret@proxy.example.com/v1')).toBe('https://***:***@proxy.example.com/v1');
    expect(redactUrl('https://res.openai.azure.com/openai/deployments/d?api-version=2024-10-21&api-key=abc123')).toBe(
      'https://res.openai.azure.com/openai/deployments/d?api-version=2024-10-21&api-key=***',
    );
    expect(redactUrl('https://generativelanguage.googleapis.com/v1beta/openai/?key=AIzaXYZ')).toBe(
      'https://generativelanguage.googleapis.com/v1beta/openai/?key=***',
    );
  });

  it('leaves a URL without credentials exactly as written', () => {
    expect(redactUrl('http://127.0.0.1:11434/v1')).toBe('http://127.0.0.1:11434/v1');
    expect(redactUrl('http://host')).toBe('http://host');
  });

  it('redacts every URL in a text, and what only looks like one', () => {
    expect(redactUrls('cannot reach http://u:p@h/v1 (refused)')).toBe('cannot reach http://***:***@h/v1 (refused)');
    expect(redactUrl('not a url //bob:pw@x')).toBe('not a url //***@x');
  });
});
