/**
 * The desk's stylesheet: system fonts, contrast of at least 4.5:1 (WCAG AA) for text, visible
 * focus, and tables that become cards on a phone.
 */
export const DESK_CSS = `
:root { --fg: #1b1b1b; --muted: #595959; --bg: #ffffff; --line: #c9c9c9; --link: #0b4f9c; --accent: #0b4f9c;
  --bad-bg: #fdecea; --bad-fg: #8a1c12; --warn-bg: #fff4d6; --warn-fg: #6b4a00; --ok-bg: #e7f5ea; --ok-fg: #175c26; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Devanagari", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; z-index: 10; }
.skip:focus { left: .5rem; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .6rem 1rem; background: #12345a; color: #fff; }
header.top a, header.top .link { color: #fff; }
header.top .brand { font-weight: 700; }
header.top nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
header.top nav a[aria-current] { text-decoration-thickness: 3px; font-weight: 700; }
header.top .who { margin-left: auto; display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; }
.badge { display: inline-block; min-width: 1.5em; padding: 0 .4em; border-radius: 1em; background: #ffbf47; color: #1b1b1b; text-align: center; font-weight: 700; }
main { padding: 1rem; max-width: 1200px; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.25rem 0 .5rem; }
.narrow { max-width: 28rem; }
.stack { display: flex; flex-direction: column; gap: .4rem; }
.row { display: flex; flex-wrap: wrap; gap: .75rem; align-items: flex-end; }
.field { display: flex; flex-direction: column; gap: .2rem; }
form.inline { display: inline; }
input, select, textarea, button { font: inherit; }
input, select, textarea { padding: .45rem .5rem; border: 1px solid #767676; border-radius: 4px; background: #fff; color: var(--fg); max-width: 100%; }
textarea { width: 100%; }
button { padding: .5rem 1rem; border: 2px solid var(--accent); border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; min-height: 44px; }
button.secondary { background: #fff; color: var(--accent); }
button.link { background: none; border: none; padding: 0; min-height: auto; text-decoration: underline; cursor: pointer; }
.notice { padding: .6rem .8rem; border-radius: 4px; border-left: 5px solid; }
.notice.ok { background: var(--ok-bg); color: var(--ok-fg); }
.notice.error { background: var(--bad-bg); color: var(--bad-fg); }
.notice.warn { background: var(--warn-bg); color: var(--warn-fg); }
.hint, .meta, .muted { color: var(--muted); }
.tag { display: inline-block; padding: 0 .4em; border: 1px solid currentColor; border-radius: 3px; font-size: .85em; font-weight: 400; }
.tag.bad { color: var(--bad-fg); background: var(--bad-bg); }
.tag.warn { color: var(--warn-fg); background: var(--warn-bg); }
.counts { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; margin: 0 0 1rem; }
.counts li a { display: block; padding: .5rem .9rem; border: 1px solid var(--line); border-radius: 6px; text-decoration: none; color: var(--fg); }
.counts .n { font-size: 1.4rem; font-weight: 700; display: block; }
.counts li.bad a { background: var(--bad-bg); color: var(--bad-fg); }
.counts li.warn a { background: var(--warn-bg); color: var(--warn-fg); }
.filters { margin: 0 0 .5rem; }
table.queue { width: 100%; border-collapse: collapse; }
table.queue th, table.queue td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
table.queue tr.bad th { border-left: 5px solid var(--bad-fg); }
table.queue tr.warn th { border-left: 5px solid #b58100; }
.pages { display: flex; gap: 1rem; margin: 1rem 0; }
.columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.5rem; }
dl.grid { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.grid dt { color: var(--muted); }
dl.grid dd { margin: 0; }
.pre { white-space: pre-wrap; overflow-wrap: anywhere; }
details.action { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .7rem; margin: .5rem 0; }
details.action summary { cursor: pointer; font-weight: 600; min-height: 32px; }
.transcript { list-style: none; padding: 0; margin: 0; max-height: 60vh; overflow-y: auto; border: 1px solid var(--line); border-radius: 6px; }
.transcript li { padding: .4rem .7rem; border-bottom: 1px solid #eee; }
.transcript li.in { background: #f3f7fc; }
.transcript .who { display: block; font-size: .8rem; color: var(--muted); }
.transcript .text { white-space: pre-wrap; overflow-wrap: anywhere; }
.history { padding-left: 1.2rem; }
code { overflow-wrap: anywhere; }
code.nowrap { white-space: nowrap; }
.counts li a[aria-current] { font-weight: 700; border-color: currentColor; }
fieldset.criterion { border: 1px solid #c8c8c8; border-radius: 6px; padding: .5rem .8rem; margin: 0; }
fieldset.criterion.bad { border-color: #b00020; }
fieldset.criterion .hint, fieldset.criterion .notice { margin: .2rem 0; }
fieldset.criterion .scale { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; }
fieldset.criterion .scale label { display: inline-flex; align-items: center; gap: .35rem; min-height: 44px; }
.tight { margin: 0; }
.report-figure { margin: 0 0 1.5rem; }
.report-nav { margin: 0 0 1rem; }
svg.chart { max-width: 640px; height: auto; }
@media (max-width: 760px) {
  .columns { grid-template-columns: 1fr; }
  header.top .who { margin-left: 0; }
  table.queue thead { position: absolute; left: -9999px; }
  table.queue tr { display: block; border: 1px solid var(--line); border-radius: 6px; margin: 0 0 .6rem; padding: .3rem; }
  table.queue th, table.queue td { display: block; border: none; padding: .15rem .4rem; }
  table.queue td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
}
`;
