extension Page {
    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>git orch dashboard</title>
    <link rel="stylesheet" href="vendor/xterm.css">
    <link rel="stylesheet" href="dashboard.css">
    </head>
    <body>
    <header id="header">
      <h1>git orch</h1>
      <span id="connection" class="pill" data-state="connecting">connecting…</span>
      <span id="cost" class="meter" title="The team's cost against its budget"><span class="label">cost –</span><span class="bar"><span class="fill"></span></span></span>
      <span id="queue" class="pill" title="The merge queue">queue –</span>
      <span id="tasks" class="muted"></span>
      <span class="spacer"></span>
      <input id="search" type="search" placeholder="Search terminal" title="Enter: next match, Shift+Enter: previous">
      <button id="layout" type="button" title="Tabs or a grid of terminals (remembered)">Grid view</button>
    </header>
    <nav id="tabs" role="tablist" aria-label="Workers"></nav>
    <div id="banner" role="status" hidden></div>
    <main id="terminals" class="tabs"><p id="empty" class="muted">Waiting for the team…</p></main>
    <div id="toasts" aria-live="polite"></div>
    <p id="keys" class="muted">Ctrl+1…9 worker · Ctrl+H hand off · Ctrl+G grid · Esc restore</p>
    <template id="pane-template">
      <section class="pane" data-state="starting">
        <div class="pane-head">
          <span class="dot"></span><strong class="name"></strong><span class="badge state"></span>
          <span class="spacer"></span>
          <button type="button" data-action="handoff" title="Hand off (Ctrl+H)">Hand off</button>
          <button type="button" data-action="stop">Stop</button>
          <button type="button" data-action="restart">Restart</button>
          <button type="button" data-action="settings" title="Settings">⚙</button>
          <button type="button" data-action="maximize" title="Maximise / restore">⤢</button>
        </div>
        <ol class="stepper" hidden></ol>
        <div class="settings" hidden></div>
        <form class="input" hidden><label>The agent asks: <input name="text" autocomplete="off" placeholder="answer, then Enter"></label></form>
        <div class="term"></div>
        <div class="overlay" hidden></div>
        <footer class="status-bar">
          <span class="state"></span><span class="task"></span><span class="spacer"></span>
          <span class="rounds"></span><span class="done"></span><span class="cost"></span>
        </footer>
      </section>
    </template>
    <script src="vendor/xterm.js"></script>
    <script src="dashboard.js"></script>
    </body>
    </html>
    """#
}
