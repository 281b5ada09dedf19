// A small, safe Markdown subset for logged text. Everything is HTML-escaped first, so the
// only tags in the output are the ones produced here; link targets are limited to http(s),
// mailto and relative URLs, so `javascript:` links cannot be smuggled in.

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(s: string): string {
  // Private-use placeholders (inline code) cannot come from the source.
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]).replace(/[\uE000\uE001]/g, '');
}

/**
 * The URL as a browser's URL parser reads it: C0 controls and spaces trimmed from both ends,
 * tabs and newlines dropped anywhere. `\u0001javascript:...` and `java\tscript:...` are
 * javascript: links to a browser, so the scheme is checked on this form, and this form is the
 * href.
 */
function asParsed(url: string): string {
  let [start, end] = [0, url.length];
  while (start < end && url.charCodeAt(start) <= 0x20) start++;
  while (end > start && url.charCodeAt(end - 1) <= 0x20) end--;
  return [...url.slice(start, end)].filter((c) => c !== '\t' && c !== '\n' && c !== '\r').join('');
}

function safeUrl(escapedUrl: string): string | undefined {
  const href = asParsed(escapedUrl);
  const url = href.replaceAll('&amp;', '&');
  if (/^(https?:|mailto:)/i.test(url)) return href;
  return /^[a-z][a-z0-9+.-]*:/i.test(url) ? undefined : href;
}

/** Inline spans on already-escaped text: code, bold, italic, links. */
function inline(s: string): string {
  const codes: string[] = [];
  return s
    .replace(/`([^`]+)`/g, (_, code: string) => `\uE000${codes.push(code) - 1}\uE001`)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*\s][^*]*?)\*/g, '$1<em>$2</em>')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, text: string, url: string) => {
      const href = safeUrl(url);
      return href ? `<a href="${href}" rel="noopener noreferrer">${text}</a>` : whole;
    })
    .replace(/\uE000(\d+)\uE001/g, (_, i: string) => `<code>${codes[Number(i)]}</code>`);
}

const isTableRow = (line: string) => /^\s*\|.*\|\s*$/.test(line);
const isTableRule = (line: string) => /^\s*\|(\s*:?-+:?\s*\|)+\s*$/.test(line);
const cells = (line: string) =>
  line
    .trim()
    .slice(1, -1)
    .split('|')
    .map((c) => inline(c.trim()));

type Block = { html: string; next: number };

function fence(lines: string[], i: number): Block {
  let end = i + 1;
  while (end < lines.length && !lines[end].startsWith('```')) end++;
  return { html: `<pre><code>${lines.slice(i + 1, end).join('\n')}</code></pre>`, next: end + 1 };
}

function table(lines: string[], i: number): Block {
  let end = i + 2;
  while (end < lines.length && isTableRow(lines[end])) end++;
  const head = cells(lines[i])
    .map((c) => `<th>${c}</th>`)
    .join('');
  const body = lines
    .slice(i + 2, end)
    .map(
      (l) =>
        `<tr>${cells(l)
          .map((c) => `<td>${c}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  return {
    html: `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`,
    next: end,
  };
}

function list(lines: string[], i: number, ordered: boolean): Block {
  const item = ordered ? /^\s*\d+[.)]\s+(.*)$/ : /^\s*[-*+]\s+(.*)$/;
  const items: string[] = [];
  let end = i;
  for (let m = item.exec(lines[end]); m && end < lines.length; m = item.exec(lines[++end] ?? '')) {
    items.push(`<li>${inline(m[1])}</li>`);
  }
  const tag = ordered ? 'ol' : 'ul';
  return { html: `<${tag}>${items.join('')}</${tag}>`, next: end };
}

function block(lines: string[], i: number): Block {
  const line = lines[i];
  if (line.startsWith('```')) return fence(lines, i);
  const heading = /^(#{1,6})\s+(.*)$/.exec(line);
  if (heading) {
    const level = heading[1].length;
    return { html: `<h${level}>${inline(heading[2])}</h${level}>`, next: i + 1 };
  }
  if (isTableRow(line) && isTableRule(lines[i + 1] ?? '')) return table(lines, i);
  if (/^\s*[-*+]\s+/.test(line)) return list(lines, i, false);
  if (/^\s*\d+[.)]\s+/.test(line)) return list(lines, i, true);
  let end = i;
  while (end < lines.length && lines[end].trim() && !/^(#{1,6}\s|```|\s*[-*+]\s)/.test(lines[end]))
    end++;
  return {
    html: `<p>${inline(lines.slice(i, Math.max(end, i + 1)).join('<br>'))}</p>`,
    next: Math.max(end, i + 1),
  };
}

/** Renders Markdown to HTML that is safe to insert with innerHTML. */
export function renderMarkdown(source: string): string {
  const lines = escapeHtml(source).split(/\r?\n/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (!lines[i].trim()) {
      i++;
      continue;
    }
    const b = block(lines, i);
    out.push(b.html);
    i = b.next;
  }
  return out.join('\n');
}
