import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';

export function loginPage(next: string, error?: string): SafeHtml {
  return layout(
    { title: 'Log in', signedIn: false },
    html`<h1>Log in</h1>
<p>Enter the console token (<code>CONSOLE_TOKEN</code> of the server). It is not the S1 API token.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/login" class="card">
  <input type="hidden" name="next" value="${next}">
  <label>Console token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
  <button type="submit">Log in</button>
</form>`,
  );
}
