#!/usr/bin/env python3
"""The dashboard in a real headless browser (Debian's chromium and chromium-driver, driven by
selenium): a supervisor with four fake workers, `git orch dashboard`, then what a person does.

    python3 Tests/Browser/dashboard_test.py --bin .build/debug [--screenshots docs]

Prints one line per check and a closing 'N passed, N failed' line; exits non-zero on a failure.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(os.path.dirname(HERE), "Fixtures", "fake-agent")
COLOURS = {"indigo": (99, 102, 241), "emerald": (16, 185, 129), "amber": (245, 158, 11), "rose": (244, 63, 94)}
BACKGROUNDS = {"indigo": (13, 13, 20), "emerald": (10, 15, 13), "amber": (15, 14, 10), "rose": (15, 10, 12)}

passed, failed = 0, 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def wait(condition, timeout=30, step=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception:
            pass
        time.sleep(step)
    try:
        return condition()
    except Exception:
        return None


def rgb(text):
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the folder with git-orch, git-orch-run and git-orch-dashboard")
    parser.add_argument("--screenshots", default=None, help="where to save dashboard-tabs.png and dashboard-grid.png")
    args = parser.parse_args()
    binaries = os.path.abspath(args.bin)
    work = tempfile.mkdtemp(prefix="git-orch-browser-")
    repo, agents = os.path.join(work, "repo"), os.path.join(work, "bin")
    os.makedirs(repo)
    os.makedirs(agents)
    for cli in ("claude", "codex", "aider"):
        os.symlink(FIXTURE, os.path.join(agents, cli))
    env = dict(os.environ)
    env.update({"PATH": f"{agents}:{binaries}:{env.get('PATH', '/usr/bin:/bin')}",
                "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
                "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
                "FAKE_AGENT_STATE": os.path.join(work, "state"),
                # The fake claude runs as root here; the preflight asks for a sandbox then.
                "IS_SANDBOX": "1"})
    os.makedirs(env["FAKE_AGENT_STATE"])
    orch = os.path.join(binaries, "git-orch")

    def run(*command, **kwargs):
        return subprocess.run(command, cwd=repo, env=env, check=True, capture_output=True, text=True, **kwargs)

    run("git", "init", "-q", "-b", "main", ".")
    with open(os.path.join(repo, "README.md"), "w") as readme:
        readme.write("hello\n")
    run("git", "add", "README.md")
    run("git", "commit", "-q", "-m", "initial")
    run(orch, "init")
    # The fake agent keeps its state outside its worktree, which the sandbox forbids: this test is
    # about the dashboard, so its agents run unconfined (SandboxTests confine theirs).
    for key, value in (("orch.pollSeconds", "0.1"), ("orch.heartbeatSeconds", "2"), ("orch.agentStartsPerMinute", "60000"),
                       ("orch.sandbox", "off")):
        run("git", "config", key, value)
    tasks = []
    for index, title in enumerate(["Design the schema", "Write the API", "Add the CLI", "Document it",
                                   "Benchmark reads", "Fix the flaky test", "Tidy the README", "Add a changelog"]):
        body = f"@fake write file{index}.txt {title}\n@fake sleep 6\n@fake cost 0.{index + 1}"
        tasks.append(json.dumps({"title": title, "body": body}))
    run(orch, "task", "import", "-", input="\n".join(tasks) + "\n")

    # The real `git orch handoff` when this build has it, else a stand-in that reports five steps.
    has_handoff = re.search(r"^\s+handoff\s", run(orch, "--help").stdout, re.M) is not None
    if not has_handoff:
        env["GIT_ORCH_HANDOFF_COMMAND"] = os.path.join(HERE, "fake-handoff")
    print(f"hand-off: {'git orch handoff' if has_handoff else 'Tests/Browser/fake-handoff (no git orch handoff in this build)'}")

    supervisor = subprocess.Popen([orch, "start", "--workers", "4"], cwd=repo, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
    dashboard = subprocess.Popen([orch, "dashboard", "--port", "0"], cwd=repo, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, start_new_session=True)
    driver = None
    try:
        first = dashboard.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/\?token=[0-9a-f]+)", first)
        check("git orch dashboard prints its URL on 127.0.0.1 with a token", match, first)
        if not match:
            return
        url = match.group(1)
        base = url.split("?")[0]

        options = Options()
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1440,900"):
            options.add_argument(flag)
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)

        driver.get(base)
        check("without the token the server answers 401", "401" in driver.page_source)

        driver.get(url)
        driver.execute_script("localStorage.removeItem('orch-layout')")
        driver.get(url)
        tabs = wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, ".tab")) == 4 and driver.find_elements(By.CSS_SELECTOR, ".tab"))
        check("four workers, four tabs", tabs and [t.get_attribute("data-worker") for t in tabs] == list(COLOURS),
              [t.get_attribute("data-worker") for t in tabs or []])
        check("xterm.js loaded from the server", driver.execute_script("return !!window.Terminal"))
        check("the connection is live", wait(lambda: driver.find_element(By.ID, "connection").get_attribute("data-state") == "live"))
        for name, colour in COLOURS.items():
            dot = driver.find_element(By.CSS_SELECTOR, f'.tab[data-worker="{name}"] .dot')
            check(f"{name}'s tab is {colour}", rgb(dot.value_of_css_property("background-color")) == colour,
                  dot.value_of_css_property("background-color"))
            term = driver.find_element(By.CSS_SELECTOR, f'.pane[data-worker="{name}"] .term')
            check(f"{name}'s terminal background is {BACKGROUNDS[name]}",
                  rgb(term.value_of_css_property("background-color")) == BACKGROUNDS[name], term.value_of_css_property("background-color"))
            check(f"{name}'s terminal has an xterm", driver.find_elements(By.CSS_SELECTOR, f'.pane[data-worker="{name}"] .xterm'))
        for name in COLOURS:
            text = wait(lambda: driver.execute_script(f"return window.orchDashboard.text('{name}')").strip(), timeout=60)
            check(f"{name}'s live output reaches its terminal", text, repr(text))
        running = wait(lambda: driver.execute_script(
            "return [...document.querySelectorAll('.tab')].filter(t => t.dataset.state === 'running').length") >= 2, timeout=30)
        check("the tabs show the workers' states", running)
        cost = driver.find_element(By.CSS_SELECTOR, "#cost .label").text
        check("the header shows the team's cost", cost.startswith("cost $"), cost)
        check("the header shows the merge queue", driver.find_element(By.ID, "queue").text.startswith("queue"))

        # Switching: a click, then Ctrl+3.
        driver.find_element(By.CSS_SELECTOR, '.tab[data-worker="emerald"]').click()
        check("a click on a tab shows that worker", driver.execute_script("return window.orchDashboard.focused()") == "emerald"
              and driver.find_element(By.CSS_SELECTOR, '.pane[data-worker="emerald"]').is_displayed())
        ActionChains(driver).key_down(Keys.CONTROL).send_keys("3").key_up(Keys.CONTROL).perform()
        check("Ctrl+3 shows the third worker", driver.execute_script("return window.orchDashboard.focused()") == "amber")
        check("only the focused terminal shows in tab view",
              [p.get_attribute("data-worker") for p in driver.find_elements(By.CSS_SELECTOR, ".pane") if p.is_displayed()] == ["amber"])
        driver.find_element(By.CSS_SELECTOR, '.tab[data-worker="indigo"]').click()
        time.sleep(1.5)
        if args.screenshots:
            driver.save_screenshot(os.path.join(args.screenshots, "dashboard-tabs.png"))

        # The grid, remembered across a reload.
        driver.find_element(By.ID, "layout").click()
        check("the grid shows all four terminals",
              len([p for p in driver.find_elements(By.CSS_SELECTOR, ".pane") if p.is_displayed()]) == 4)
        driver.refresh()
        wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, ".tab")) == 4)
        check("the layout is remembered", driver.execute_script("return window.orchDashboard.layout()") == "grid"
              and "grid" in driver.find_element(By.ID, "terminals").get_attribute("class"))
        replayed = wait(lambda: driver.execute_script("return window.orchDashboard.text('indigo')").strip(), timeout=10)
        check("a reloaded page replays the kept scrollback", replayed)
        pane = driver.find_element(By.CSS_SELECTOR, '.pane[data-worker="rose"]')
        pane.find_element(By.CSS_SELECTOR, 'button[data-action="maximize"]').click()
        check("maximise fills the grid with one terminal", "maximized" in pane.get_attribute("class"))
        pane.find_element(By.CSS_SELECTOR, 'button[data-action="maximize"]').click()
        check("and restores it", "maximized" not in pane.get_attribute("class"))
        time.sleep(1.5)
        if args.screenshots:
            driver.save_screenshot(os.path.join(args.screenshots, "dashboard-grid.png"))

        # Hand off: the stepper's five steps finish, then a toast.
        indigo = driver.find_element(By.CSS_SELECTOR, '.pane[data-worker="indigo"]')
        # The real hand-off can run its steps faster than a poll: record every state a step takes.
        driver.execute_script("""
            window.__stepStates = [];
            new MutationObserver(records => records.forEach(r => window.__stepStates.push(r.target.dataset.state)))
              .observe(arguments[0].querySelector('.stepper'), {subtree: true, attributes: true, attributeFilter: ['data-state']});
        """, indigo)
        indigo.find_element(By.CSS_SELECTOR, 'button[data-action="handoff"]').click()
        check("the stepper appears", wait(lambda: indigo.find_element(By.CSS_SELECTOR, ".stepper").is_displayed(), timeout=5))
        saw_spinner = wait(lambda: "running" in (driver.execute_script("return window.__stepStates") or []), timeout=10)
        check("a step shows its spinner while it runs", saw_spinner, driver.execute_script("return window.__stepStates"))
        done = wait(lambda: [li.get_attribute("data-state") for li in indigo.find_elements(By.CSS_SELECTOR, ".stepper li")] == ["done"] * 5,
                    timeout=60)
        check("all five hand-off steps finish", done,
              [li.get_attribute("data-state") for li in indigo.find_elements(By.CSS_SELECTOR, ".stepper li")])
        toast = wait(lambda: [t.text for t in driver.find_elements(By.CSS_SELECTOR, ".toast") if "handed off" in t.text], timeout=20)
        check("a toast says it is done", toast)
        if args.screenshots:
            driver.save_screenshot(os.path.join(args.screenshots, "dashboard-handoff.png"))

        # Stop one worker from the page; the supervisor gets it.
        amber = driver.find_element(By.CSS_SELECTOR, '.pane[data-worker="amber"]')
        amber.find_element(By.CSS_SELECTOR, 'button[data-action="stop"]').click()
        stopped = wait(lambda: amber.get_attribute("data-state") in ("stopped", "offline"), timeout=30)
        check("Stop reaches the supervisor and the worker stops", stopped, amber.get_attribute("data-state"))

        # The whole team stops: the page says so and keeps waiting.
        run(orch, "stop")
        supervisor.wait(timeout=60)
        gone = wait(lambda: driver.find_element(By.ID, "connection").get_attribute("data-state") == "not-running", timeout=20)
        check("with no supervisor the page says 'not running'", gone)
        # The server goes: the page says it is reconnecting.
        os.killpg(dashboard.pid, signal.SIGTERM)
        dashboard.wait(timeout=20)
        reconnecting = wait(lambda: driver.find_element(By.ID, "connection").get_attribute("data-state") == "reconnecting", timeout=20)
        check("with the server gone the page is reconnecting", reconnecting)
    finally:
        if driver:
            driver.quit()
        for process in (dashboard, supervisor):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=30)
                except Exception:
                    os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")


if __name__ == "__main__":
    main()
    sys.exit(1 if failed or not passed else 0)
