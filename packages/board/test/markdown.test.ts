import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/index';

describe('renderMarkdown', () => {
  it('renders the common subset', () => {
    expect(renderMarkdown('# Title\n\nSome **bold**, *em* and `x < y`.')).toBe(
      '<h1>Title</h1>\n<p>Some <strong>bold</strong>, <em>em</em> and <code>x &lt; y</code>.</p>',
    );
    expect(renderMarkdown('- a\n- b\n\n1. one')).toBe(
      '<ul><li>a</li><li>b</li></ul>\n<ol><li>one</li></ol>',
    );
    expect(renderMarkdown('| k | v |\n|---|---|\n| lr | 0.1 |')).toBe(
      '<table><thead><tr><th>k</th><th>v</th></tr></thead><tbody><tr><td>lr</td><td>0.1</td></tr></tbody></table>',
    );
    expect(renderMarkdown('```\n<b>\n```')).toBe('<pre><code>&lt;b&gt;</code></pre>');
    expect(renderMarkdown('[docs](https://example.org/a?b=1&c=2)')).toBe(
      '<p><a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">docs</a></p>',
    );
  });

  it('cannot inject markup or script', () => {
    const attacks = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x](data:text/html;base64,PHNjcmlwdD4=)',
      '[x](https://a" onmouseover="alert(1))',
      '`</code><script>alert(1)</script>`',
      '| <iframe> |\n|---|\n| x |',
      '\uE0000\uE001',
    ];
    for (const source of attacks) {
      const html = renderMarkdown(source);
      expect(html).not.toMatch(/<(script|img|iframe)|href="(javascript|data)|href="[^"]*"\s+on/i);
    }
    expect(renderMarkdown('<script>x</script>')).toBe('<p>&lt;script&gt;x&lt;/script&gt;</p>');
  });

  it('reads a link as the browser does: leading control characters do not hide a scheme', () => {
    // A browser trims C0 controls and spaces from a URL's ends: these are javascript: links.
    for (const source of [
      '[x](\u0001javascript:alert(1))',
      '[x](\u0000\u001fJavaScript:alert(1))',
      '[x](\u0008data:text/html;base64,PHNjcmlwdD4=)',
    ])
      expect(renderMarkdown(source)).not.toContain('href');
    // And an allowed link keeps its target, trimmed as the browser would.
    expect(renderMarkdown('[x](\u0001https://example.com/a?b=1&c=2)')).toContain(
      'href="https://example.com/a?b=1&amp;c=2"',
    );
  });
});
