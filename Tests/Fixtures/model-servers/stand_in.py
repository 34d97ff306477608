"""What every stand-in model server shares: a loopback HTTP server on an ephemeral port that
logs each request as one JSON line, stops by itself after its lifetime, and a scripted model
that reads its task from the prompt.

The scripted model: the conversation's text holds a line `write PATH: TEXT` (a task title, say).
With no tool result yet, the model answers with one shell command that writes TEXT to PATH; once
the command's result is in the conversation, it ends the turn with a short message. A line
`sleep SECONDS` in the prompt makes the command sleep first (a session that is still working).
When git-orch's prompt says that conflicts were committed with their markers (the merge queue met
a conflict), the command resolves them instead, as a careful model would for two added lines:
it keeps both sides and removes the marker lines from each file the prompt lists.
"""

import http.server
import json
import os
import re
import shlex
import signal
import socketserver
import sys
import threading
import time

TASK = re.compile(r"write ([\w./-]+): ([^\n\"\\]+)")
# git-orch's prompt names the task in its header; other text (recent commits, git status that
# Claude Code adds) may quote older tasks.
HEADER = re.compile(r"(?m)^# Your task \S+: write ([\w./-]+): ([^\n\"\\]+)")
SLEEP = re.compile(r"(?m)^\s*sleep (\d+(?:\.\d+)?)\s*$")
# ConflictMerge's words in the prompt, then the conflicted files as a list.
CONFLICTS = re.compile(r"conflicts are committed with their markers[^\n]*in:\n((?:- [^\n]+\n?)+)")
# Headers worth keeping in the log (session ids, client versions); never credentials.
LOGGED_HEADERS = ("user-agent", "session_id", "conversation_id", "originator", "version", "openai-beta")


class Task:
    def __init__(self, path, text, sleep, conflicts=()):
        self.path, self.text, self.sleep, self.conflicts = path, text.strip(), sleep, list(conflicts)

    @staticmethod
    def find(conversation_text):
        match = HEADER.search(conversation_text) or TASK.search(conversation_text)
        if not match:
            return None
        sleep = SLEEP.search(conversation_text)
        conflicts = CONFLICTS.search(conversation_text)
        paths = [line[2:].strip() for line in conflicts.group(1).splitlines()] if conflicts else []
        return Task(match.group(1), match.group(2), float(sleep.group(1)) if sleep else 0, paths)

    def command(self):
        """One shell command that does the task, as a person would type it."""
        if self.conflicts:
            markers = "-e '/^<<<<<<< /d' -e '/^=======$/d' -e '/^>>>>>>> /d'"
            return f"sed -i {markers} -- " + " ".join(shlex.quote(path) for path in self.conflicts)
        directory = os.path.dirname(self.path)
        steps = []
        if directory:
            steps.append(f"mkdir -p {shlex.quote(directory)}")
        steps.append(f"printf '%s\\n' {shlex.quote(self.text)} > {shlex.quote(self.path)}")
        # Not `sleep`: Claude Code refuses a long leading sleep in its Bash tool.
        wait = f"timeout {self.sleep:g} tail -f /dev/null; " if self.sleep else ""
        return wait + " && ".join(steps)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Handler(http.server.BaseHTTPRequestHandler):
    """Subclasses implement `answer(path, body)`; the base logs and reads the body."""

    protocol_version = "HTTP/1.1"
    log_lock = threading.Lock()
    log_path = None

    def log_message(self, *args):
        pass

    def read_body(self):
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            return {"unparsed": raw.decode("utf-8", "replace")}

    def record(self, body):
        if not self.log_path:
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        kept = {k: v for k, v in headers.items() if k in LOGGED_HEADERS or k.startswith("x-") and "key" not in k and "auth" not in k}
        line = json.dumps({"time": time.time(), "method": self.command, "path": self.path, "headers": kept, "body": body})
        with self.log_lock, open(self.log_path, "a") as log:
            log.write(line + "\n")

    def handle_any(self):
        body = self.read_body() if self.command == "POST" else {}
        self.record(body)
        try:
            self.answer(self.path.split("?")[0], body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST = do_HEAD = handle_any

    def send_json(self, obj, status=200):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def start_events(self):
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True

    def send_event(self, name, data):
        text = (f"event: {name}\n" if name else "") + "data: " + (data if isinstance(data, str) else json.dumps(data)) + "\n\n"
        self.wfile.write(text.encode())
        self.wfile.flush()


def serve(handler_class, argv):
    """`--port-file PATH` (written once listening), `--log PATH`, `--lifetime SECONDS`."""
    options = {"--port-file": None, "--log": None, "--lifetime": "300"}
    for index in range(1, len(argv) - 1, 2):
        if argv[index] not in options:
            sys.exit(f"{argv[0]}: unknown option {argv[index]} (known: {', '.join(options)})")
        options[argv[index]] = argv[index + 1]
    handler_class.log_path = options["--log"]
    # A parent that blocked these (a test runner) passes the mask on; stopping must still work.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    server = Server(("127.0.0.1", 0), handler_class)
    port = server.server_address[1]
    if options["--port-file"]:
        temporary = options["--port-file"] + ".tmp"
        with open(temporary, "w") as out:
            out.write(f"{port}\n")
        os.rename(temporary, options["--port-file"])
    print(port, flush=True)
    # Bounded: a test that forgets to stop the server does not leave it behind for long.
    threading.Timer(float(options["--lifetime"]), lambda: os._exit(0)).start()
    server.serve_forever()
