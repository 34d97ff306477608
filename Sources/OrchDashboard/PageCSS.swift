extension Page {
    static let css = #"""
    :root {
      --page: #09090b; --panel: #111114; --line: #27272a; --text: #e4e4e7; --muted: #a1a1aa;
      --ok: #22c55e; --warn: #f59e0b; --bad: #ef4444;
      --worker: #6366f1; --worker-bg: #0d0d14;
      font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif;
    }
    * { box-sizing: border-box; }
    [hidden] { display: none !important; }
    html, body { height: 100%; margin: 0; background: var(--page); color: var(--text); }
    body { display: flex; flex-direction: column; }
    button, input { font: inherit; color: inherit; }
    button { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 2px 9px; cursor: pointer; }
    button:hover { border-color: var(--muted); }
    button:disabled { opacity: .5; cursor: default; }
    .spacer { flex: 1; }
    .muted { color: var(--muted); }
    #header { display: flex; align-items: center; gap: 12px; padding: 8px 14px; border-bottom: 1px solid var(--line); }
    #header h1 { font-size: 15px; margin: 0; letter-spacing: .02em; }
    .pill { border: 1px solid var(--line); border-radius: 999px; padding: 1px 9px; }
    #connection[data-state=live] { color: var(--ok); border-color: color-mix(in srgb, var(--ok) 40%, transparent); }
    #connection[data-state=reconnecting], #connection[data-state=connecting], #connection[data-state=not-running] { color: var(--warn); }
    #connection[data-state=gone] { color: var(--bad); border-color: var(--bad); }
    #queue[data-halted] { color: var(--bad); border-color: var(--bad); }
    .meter { display: inline-flex; align-items: center; gap: 6px; }
    .meter .bar { width: 90px; height: 6px; background: var(--line); border-radius: 3px; overflow: hidden; }
    .meter .fill { display: block; height: 100%; width: 0; background: var(--ok); }
    .meter[data-level=high] .fill { background: var(--warn); }
    .meter[data-level=over] .fill { background: var(--bad); }
    #search { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px; width: 180px; }
    #tabs { display: flex; gap: 2px; padding: 6px 14px 0; border-bottom: 1px solid var(--line); }
    .tab { display: flex; align-items: center; gap: 6px; border: 1px solid transparent; border-bottom: none;
           border-radius: 6px 6px 0 0; padding: 5px 12px; background: none; color: var(--muted); }
    .tab[aria-selected=true] { color: var(--text); background: var(--worker-bg); border-color: var(--line); box-shadow: inset 0 2px 0 var(--worker); }
    .tab .key { font-size: 11px; color: var(--muted); }
    .dot { width: 9px; height: 9px; border-radius: 50%; background: var(--worker); flex: none; }
    [data-state=offline] .dot, [data-state=stopped] .dot { opacity: .35; }
    [data-state=needs-input] .dot { box-shadow: 0 0 0 3px color-mix(in srgb, var(--worker) 45%, transparent); }
    .badge { font-size: 11px; border-radius: 4px; padding: 0 6px; background: var(--line); color: var(--muted); }
    [data-state=running] > .badge, [data-state=running] .pane-head .badge { color: var(--ok); }
    [data-state=needs-input] > .badge, [data-state=needs-input] .pane-head .badge { color: var(--page); background: var(--warn); }
    [data-state=crashed] > .badge, [data-state=crashed] .pane-head .badge { color: #fff; background: var(--bad); }
    #banner { padding: 6px 14px; background: color-mix(in srgb, var(--warn) 18%, var(--page)); color: var(--warn); border-bottom: 1px solid var(--line); }
    #banner[data-kind=error] { background: color-mix(in srgb, var(--bad) 18%, var(--page)); color: #fecaca; }
    #terminals { flex: 1; min-height: 0; position: relative; padding: 10px 14px; }
    #terminals.tabs .pane { position: absolute; inset: 10px 14px; }
    #terminals.tabs .pane:not(.active) { visibility: hidden; }
    #terminals.grid { display: grid; grid-template-columns: 1fr 1fr; grid-auto-rows: calc(50% - 5px); gap: 10px; overflow: auto; }
    #terminals.grid .pane.active { outline: 1px solid var(--worker); }
    #terminals.grid .pane.maximized { position: absolute; inset: 10px 14px; z-index: 5; }
    .pane { display: flex; flex-direction: column; min-height: 0; background: var(--worker-bg);
            border: 1px solid color-mix(in srgb, var(--worker) 35%, var(--line)); border-radius: 8px; overflow: hidden; position: relative; }
    .pane-head { display: flex; align-items: center; gap: 8px; padding: 5px 8px; border-bottom: 1px solid color-mix(in srgb, var(--worker) 25%, var(--line)); }
    .pane-head .name { color: var(--worker); }
    .pane-head button { padding: 1px 8px; font-size: 12px; background: transparent; }
    .pane-head button[data-action=handoff] { border-color: color-mix(in srgb, var(--worker) 60%, var(--line)); color: var(--worker); }
    .term { flex: 1; min-height: 0; padding: 4px 0 0 6px; background: var(--worker-bg); }
    .term .xterm { height: 100%; }
    .status-bar { display: flex; gap: 12px; padding: 3px 10px; font-size: 12px; color: var(--muted);
                  border-top: 1px solid color-mix(in srgb, var(--worker) 25%, var(--line)); }
    .status-bar .state { color: var(--worker); }
    .status-bar .task { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; max-width: 60%; }
    .overlay { position: absolute; inset: 34px 0 24px 0; display: flex; align-items: center; justify-content: center;
               background: color-mix(in srgb, var(--worker-bg) 70%, transparent); color: var(--text); font-size: 14px; pointer-events: none; }
    [data-state=crashed] .overlay { color: #fecaca; }
    .settings { padding: 6px 10px; border-bottom: 1px solid var(--line); display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-size: 12px; }
    .settings dt { color: var(--muted); }
    .settings dd { margin: 0; }
    .settings .hint { grid-column: 1 / -1; color: var(--muted); }
    .input { padding: 5px 10px; border-bottom: 1px solid var(--line); background: color-mix(in srgb, var(--warn) 12%, var(--worker-bg)); }
    .input input { background: var(--page); border: 1px solid var(--line); border-radius: 4px; padding: 1px 6px; width: 50%; }
    .stepper { display: flex; gap: 14px; margin: 0; padding: 6px 10px; list-style: none; border-bottom: 1px solid var(--line); font-size: 12px; }
    .stepper li { display: flex; align-items: center; gap: 5px; color: var(--muted); }
    .stepper li::before { content: ""; width: 12px; height: 12px; border-radius: 50%; border: 2px solid var(--line); box-sizing: border-box; flex: none; }
    .stepper li[data-state=running] { color: var(--text); }
    .stepper li[data-state=running]::before { border-color: var(--worker); border-right-color: transparent; animation: spin .8s linear infinite; }
    .stepper li[data-state=done] { color: var(--text); }
    .stepper li[data-state=done]::before { content: "✓"; border: none; color: var(--ok); font-weight: bold; width: auto; height: auto; }
    .stepper li[data-state=failed] { color: #fecaca; }
    .stepper li[data-state=failed]::before { content: "✕"; border: none; color: var(--bad); font-weight: bold; width: auto; height: auto; }
    @keyframes spin { to { transform: rotate(360deg); } }
    #toasts { position: fixed; right: 16px; bottom: 30px; display: flex; flex-direction: column; gap: 8px; z-index: 20; }
    .toast { background: var(--panel); border: 1px solid var(--line); border-left: 4px solid var(--ok); border-radius: 6px; padding: 8px 12px; max-width: 420px; }
    .toast[data-kind=error] { border-left-color: var(--bad); }
    #keys { margin: 0; padding: 3px 14px; font-size: 11px; border-top: 1px solid var(--line); }
    #empty { padding: 20px; }
    """#
}
