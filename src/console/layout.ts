import { html, type SafeHtml } from './html.js';

export interface LayoutOptions {
  title: string;
  /** Which navigation entry is highlighted. */
  nav?: 'batches' | 'upload' | 'schedules';
  /** Extra scripts (paths under /assets/), loaded after the page's markup. */
  scripts?: string[];
  /** False on the login page: no navigation, no log-out form. @defaultValue true */
  signedIn?: boolean;
}

/** The frame of every console page: styles and scripts from /assets only (the CSP allows nothing else). */
export function layout(o: LayoutOptions, body: SafeHtml): SafeHtml {
  const link = (key: LayoutOptions['nav'], href: string, text: string) => html`<a href="${href}"${o.nav === key ? html` aria-current="page"` : ''}>${text}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · bulk-assign</title>
<link rel="stylesheet" href="/assets/console.css">
</head>
<body>
<header>
  <strong class="brand">bulk-assign</strong>
  ${o.signedIn === false
    ? ''
    : html`<nav>${link('batches', '/', 'Batches')}${link('upload', '/upload', 'Upload')}${link('schedules', '/schedules', 'Schedules')}<a href="/queues">Queues</a></nav>
  <form method="post" action="/logout" class="logout"><button type="submit">Log out</button></form>`}
</header>
<main>
${body}
</main>
${(o.scripts ?? []).map((s) => html`<script src="${s}"></script>`)}
</body>
</html>`;
}
