/** The console's one stylesheet, served at /assets/console.css (no inline styles: the CSP forbids them). */
export const CONSOLE_CSS = `
:root { --fg:#1d2330; --muted:#5d6778; --line:#d8dde6; --accent:#2456c7; --bg:#f6f7fa; --ok:#1d7a46; --bad:#b3261e; --warn:#9a6400; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; align-items:center; gap:1.5rem; padding:.6rem 1.5rem; background:#fff; border-bottom:1px solid var(--line); }
header nav { display:flex; gap:1rem; flex:1; }
header nav a { color:var(--fg); text-decoration:none; padding:.2rem 0; }
header nav a[aria-current="page"] { border-bottom:2px solid var(--accent); font-weight:600; }
.brand { color:var(--accent); }
.logout button { background:none; border:1px solid var(--line); color:var(--muted); }
main { max-width:1100px; margin:0 auto; padding:1rem 1.5rem 3rem; }
h1 { font-size:1.5rem; margin:.6rem 0 1rem; }
h2 { font-size:1.15rem; margin:1.6rem 0 .6rem; }
a { color:var(--accent); }
table { border-collapse:collapse; background:#fff; border:1px solid var(--line); margin:.4rem 0 1rem; }
th, td { padding:.35rem .7rem; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
th { font-weight:600; font-size:.85rem; color:var(--muted); background:#fafbfd; }
td.num { text-align:right; font-variant-numeric:tabular-nums; }
.batches { width:100%; }
.muted { color:var(--muted); font-size:.85rem; }
.card { background:#fff; border:1px solid var(--line); padding:1rem 1.2rem; display:flex; flex-direction:column; gap:.8rem; max-width:640px; }
.card label { display:flex; flex-direction:column; gap:.25rem; font-weight:600; font-size:.9rem; }
.card label.check { flex-direction:row; align-items:center; font-weight:400; gap:.5rem; }
fieldset { border:1px solid var(--line); display:flex; flex-direction:column; gap:.3rem; }
input[type=text], input[type=password] { padding:.45rem .55rem; border:1px solid #b9c1ce; border-radius:4px; font:inherit; }
button, .button { display:inline-block; padding:.45rem 1rem; background:var(--accent); color:#fff; border:0; border-radius:4px; font:inherit; cursor:pointer; text-decoration:none; }
button[disabled] { background:#9aa6bd; cursor:not-allowed; }
.actions { display:flex; gap:1rem; align-items:center; margin:.6rem 0; }
.error { background:#fdecea; color:var(--bad); border:1px solid #f2b8b5; padding:.6rem .9rem; }
.notice { background:#e8f3ec; color:var(--ok); border:1px solid #b7dcc4; padding:.6rem .9rem; }
.state { display:inline-block; padding:.05rem .5rem; border-radius:10px; font-size:.8rem; background:#e6e9ef; }
.state-finished, .state-batch { background:#dcefe3; color:var(--ok); }
.state-running, .state-importing { background:#dfe8fb; color:var(--accent); }
.state-paused, .state-failed { background:#fdecea; color:var(--bad); }
.state-skipped { background:#fbf0d9; color:var(--warn); }
progress { width:180px; height:.9rem; vertical-align:middle; }
.counts td { min-width:6rem; font-size:1.15rem; }
.charts { display:flex; flex-wrap:wrap; gap:1rem; }
.charts figure { margin:0; background:#fff; border:1px solid var(--line); padding:.6rem; width:500px; }
.charts figcaption { font-weight:600; font-size:.9rem; margin-bottom:.3rem; }
.plan th { width:18rem; }
.failures td:nth-child(2), .failures td:nth-child(3) { white-space:nowrap; }
code { font-size:.85em; background:#eef0f4; padding:.05rem .3rem; border-radius:3px; }
`;
