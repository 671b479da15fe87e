import { createHash } from 'node:crypto';

/**
 * The page's only stylesheet, inline: system fonts, one column on a phone,
 * a grid on wider screens, colours with at least 4.5:1 contrast (WCAG 2.1
 * 1.4.3) and never the only signal: every status also has an icon and words.
 */
export const STYLE = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;line-height:1.5;color:#1b1b1f;background:#f6f7f9}
header,main,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
header{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.5rem;padding-top:1rem}
h1{font-size:1.5rem;margin:0}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
h3{font-size:1.05rem;margin:0 0 .25rem}
h4{font-size:1rem;margin:.5rem 0 .25rem}
nav ul,.grid,.timeline,.plain{list-style:none;margin:0;padding:0}
nav li{display:inline;margin-left:.75rem}
a{color:#0b4fa8}
a[aria-current]{font-weight:700;color:#1b1b1f;text-decoration:none}
p,li,h3{overflow-wrap:anywhere}
.banner{margin-top:1rem;padding:.75rem 1rem;border-radius:.5rem;font-weight:600;border-left:.5rem solid}
.card{background:#fff;border:1px solid #d4d7dd;border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.5rem}
.grid li{background:#fff;border:1px solid #d4d7dd;border-radius:.5rem;padding:.5rem .75rem;display:flex;justify-content:space-between;align-items:center;gap:.5rem;flex-wrap:wrap}
section>h3{margin:.75rem 0 .35rem}
.card>:first-child{margin-top:0}
.card>:last-child{margin-bottom:0}
.badge{display:inline-block;padding:0 .4rem;border-radius:.25rem;font-weight:600;white-space:nowrap}
.s-operational{color:#0b5a27;background:#e3f3e8;border-color:#0b5a27}
.s-degraded{color:#6b4500;background:#fff3d1;border-color:#6b4500}
.s-partial_outage{color:#8a3300;background:#ffe7d6;border-color:#8a3300}
.s-major_outage{color:#9c0010;background:#fde6e8;border-color:#9c0010}
.s-under_maintenance{color:#17458a;background:#e4eeff;border-color:#17458a}
.workaround{background:#fff8c4;border-left:.35rem solid #6b4500;padding:.5rem .75rem;margin:.5rem 0}
.message{white-space:pre-line}
.note{font-style:italic;color:#4a4d55}
.cause strong{font-weight:700}
.timeline li{border-left:2px solid #d4d7dd;padding:0 0 .5rem .75rem}
.meta,footer{color:#4a4d55;font-size:.9rem}
footer{padding-bottom:2rem;margin-top:2rem}
`.replace(/\n/g, '');

/** CSP source for exactly this stylesheet (CSP3 hash-source): no other style, and no script at all, may run. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;
