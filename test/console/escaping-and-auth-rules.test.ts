import { describe, expect, it } from 'vitest';
import { safeNext, sameSecret } from '../../src/console/auth.js';
import { escapeHtml, html, jsonBlock } from '../../src/console/html.js';
import { safeFileName } from '../../src/console/upload.js';

describe('HTML escaping', () => {
  it('escapes every interpolated value, passes nested html through, and keeps JSON blocks closed', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;');
    const cell = '<script>alert(1)</script>';
    expect(html`<td>${cell}</td>${[html`<b>${'<i>'}</b>`]}`.text).toBe('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><b>&lt;i&gt;</b>');
    const block = jsonBlock('d', { id: '</script><script>alert(1)</script>' }).text;
    expect(block.match(/<\/script>/g)).toHaveLength(1);
    expect(JSON.parse(block.replace(/^<script[^>]*>|<\/script>$/g, ''))).toEqual({ id: '</script><script>alert(1)</script>' });
  });
});

describe('auth rules', () => {
  it('compares secrets of any length, and redirects after login only to a path on this site', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(sameSecret('', 'abc')).toBe(false);
    expect(safeNext('/batches/x?y=1')).toBe('/batches/x?y=1');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', undefined, 42]) expect(safeNext(bad)).toBe('/');
  });

  it('keeps only a safe basename of an uploaded file name', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\me\\my file.csv')).toBe('my-file.csv');
    expect(safeFileName('.hidden')).toBe('hidden');
    expect(safeFileName('')).toBe('upload.csv');
  });
});
