//! The pack's stylesheet: screen and print (a page per section, cards and rows kept whole).

pub(super) const STYLE: &str = r#"
:root { --ink: #1f2328; --weak: #6b7280; --line: #dadada; --fill: #f3f4f6;
  --good: #16803d; --bad: #c82828; --warning: #c47800; --watch: #2864c8; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 28px 32px 40px; }
h1 { font-size: 24px; margin: 0 0 2px; letter-spacing: -0.01em; }
h2 { font-size: 18px; margin: 0 0 4px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 13.5px; margin: 14px 0 6px; }
p { margin: 4px 0 8px; }
.lead { color: var(--weak); margin-bottom: 14px; }
.weak { color: var(--weak); }
.masthead { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px;
  border-bottom: 3px solid var(--ink); padding-bottom: 10px; margin-bottom: 12px; }
.masthead .kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 11px; color: var(--weak); }
.basis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px 16px; font-size: 12px;
  background: var(--fill); border-radius: 6px; padding: 8px 12px; margin-bottom: 16px; }
.basis b { display: block; font-size: 10.5px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--weak); font-weight: 600; }
.freshness { margin: 0 0 12px; padding: 6px 10px; border-left: 4px solid var(--watch, #b45309); font-size: 12px; }
section { margin-top: 28px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; }
.card { border: 1px solid var(--line); border-left: 5px solid var(--line); border-radius: 6px;
  padding: 8px 10px 6px; break-inside: avoid; }
.card.ok { border-left-color: var(--good); } .card.watch { border-left-color: var(--watch); }
.card.warning { border-left-color: var(--warning); } .card.critical { border-left-color: var(--bad); }
.card .label { color: var(--weak); font-size: 12px; display: flex; justify-content: space-between; align-items: flex-start; gap: 4px; }
.card .label span:first-child { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.card .label .chip { flex: none; line-height: 16px; }
.card .value { font-size: 22px; font-weight: 650; margin: 2px 0 0; font-variant-numeric: tabular-nums; }
.card .value.low { color: var(--weak); }
.card .deltas { font-size: 11.5px; font-variant-numeric: tabular-nums; }
.card .note { font-size: 11px; color: var(--weak); min-height: 15px; }
.kpi-note { margin: 6px 0 0; padding: 4px 8px; font-size: 12px; border-left: 3px solid var(--accent, #2563eb); }
tr.note-row td { font-size: 12px; padding-top: 0; border-top: none; }
ul.notes { margin: 4px 0 12px 18px; padding: 0; font-size: 12px; }
.card svg { display: block; width: 100%; height: 34px; margin-top: 4px; }
.chip { display: inline-block; border-radius: 9px; padding: 0 7px; font-size: 10.5px; font-weight: 600; color: #fff; white-space: nowrap; }
.chip.ok { background: var(--good); } .chip.watch { background: var(--watch); }
.chip.warning { background: var(--warning); } .chip.critical { background: var(--bad); }
.chip.muted { background: var(--fill); color: var(--weak); border: 1px solid var(--line); }
.better { color: var(--good); } .worse { color: var(--bad); } .flat { color: var(--weak); }
table { border-collapse: collapse; width: 100%; font-size: 12px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 6px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-size: 11px; color: var(--weak); font-weight: 600; border-bottom: 1.5px solid #9ca3af; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
tr.total td { font-weight: 650; border-top: 1.5px solid #9ca3af; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-bottom: 10px; }
.grid3 { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 12px; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-weight: 600; font-size: 12.5px; margin-bottom: 2px; }
figure svg { display: block; width: 100%; height: auto; }
.legend { font-size: 11px; color: var(--weak); margin-top: 2px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 10px; vertical-align: -1px; }
.legend i:first-child { margin-left: 0; }
.heat td.cell { text-align: center; white-space: nowrap; }
.heat td.ok { background: rgba(22,128,61,0.16); } .heat td.watch { background: rgba(40,100,200,0.30); }
.heat td.warning { background: rgba(196,120,0,0.30); } .heat td.critical { background: rgba(200,40,40,0.30); font-weight: 650; }
.heat td.none { background: var(--fill); }
.heat td.low { color: var(--weak); }
.heat th { text-align: center; font-size: 10.5px; }
.heat td:first-child { white-space: nowrap; }
.esc td { padding: 3px 5px; }
.esc .id { color: var(--weak); font-size: 10.5px; }
td.file { white-space: nowrap; }
.heat th:first-child { text-align: left; }
.comment { font-size: 11.5px; }
.goals tr.group td { font-weight: 650; background: var(--fill); border-bottom: 1px solid #9ca3af; }
.goals td .weak { font-size: 10.5px; }
.goals td:nth-child(-n+2) { white-space: nowrap; }
svg.bullet { display: block; width: 120px; height: 16px; }
.comment .when { color: var(--weak); }
footer { margin-top: 28px; font-size: 11px; color: var(--weak); border-top: 1px solid var(--line); padding-top: 6px; }
@page { margin: 12mm 11mm 14mm; }
@media print {
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  section { margin-top: 0; break-before: page; }
  .masthead { margin-bottom: 8px; padding-bottom: 6px; }
  .basis { margin-bottom: 10px; padding: 6px 10px; }
  .lead { margin-bottom: 8px; }
  .cards { grid-template-columns: repeat(4, 1fr); gap: 8px; }
  .card { padding: 6px 8px 4px; }
  .card .value { font-size: 18px; }
  .card svg { height: 26px; }
  h3 { margin: 10px 0 4px; }
  th, td { padding: 2.5px 6px; }
  .esc { font-size: 10.5px; line-height: 1.3; }
  h2 { break-after: avoid; }
  footer { break-before: avoid; }
}
"#;
