#!/usr/bin/env python3
"""Drive real mutt, neomutt and aerc in tmux through `apologylint sendmail` and show the screens.

What the README's email section says about each client was checked with this script (issue 17).
It is not part of the test suite: CI has no mail clients and must stay fast. Run it by hand:

    apt-get install -y mutt neomutt aerc tmux      # Debian 12: mutt 2.2.12, neomutt 20220429, aerc 0.14.0
    PYTHON=.venv/bin/python .venv/bin/python scripts/mail_clients.py [mutt|neomutt|aerc ...]

Everything lives in a temporary HOME: the clients' configuration, a maildir, the hook's state
($XDG_STATE_HOME/apologylint), and a fake "real sendmail" that stores what it gets in $BOX. The
hook lints with the tests' marker rule pack (TST901 flags every "calm down"), so which message is
held does not depend on the tuning of the real rules. The clients run in a private tmux server
(`tmux -L apologylint-clients`) that the script kills at the end; nothing reaches the network.

For every scenario the script prints the client's screen (tmux capture-pane) at the moment that
matters, what the fake sendmail received, and the new lines of hook.log, then checks the outcome
(held or sent, the bytes) and exits non-zero if a check fails.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MARKERS = ROOT / "tests" / "fixtures" / "email" / "marker-rules.yaml"
PYTHON = os.environ.get("PYTHON", sys.executable)
SOCKET = "apologylint-clients"

HELD_BODY = "Hi Maria,\n\nThanks for writing.\nAs I said before, calm down: the parcel ships today.\n\nTom\n"
CLEAN_BODY = "Hi Maria,\n\nThanks for writing. The parcel ships today.\n\nTom\n"

failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(("  ok    " if ok else "  FAIL  ") + what)
    if not ok:
        failures.append(what)


# -- the temporary world ---------------------------------------------------------------------------
class World:
    def __init__(self, keep: bool) -> None:
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="apologylint-clients-"))
        self.keep = keep
        self.home = self.dir / "home"
        self.box = self.dir / "box"
        self.state = self.home / ".local" / "state"
        for d in (self.home, self.box, self.home / "Mail" / "INBOX" / "cur", self.home / "Mail" / "INBOX" / "new",
                  self.home / "Mail" / "INBOX" / "tmp"):
            d.mkdir(parents=True, exist_ok=True)
        self.fake = self.script("fake-sendmail", f"""#!/bin/sh
# the "real sendmail": store the message and its arguments, like a queue would
f="{self.box}/$(date +%s%N)"; cat > "$f.part" && mv "$f.part" "$f.eml"; printf '%s\\n' "$@" > "$f.args"
""")
        self.hook = self.script("apologylint-sendmail", f"""#!/bin/sh
# the hook as the README sets it up, with the tests' marker rules; $HOOK_ARGS adds options
PYTHONPATH={shlex.quote(str(ROOT / 'src'))} exec {shlex.quote(PYTHON)} -m apologylint sendmail $HOOK_ARGS \\
  --rules {shlex.quote(str(MARKERS))} --select TST901 -- {self.fake} "$@"
""")
        self.body = self.dir / "body.txt"
        self.editor = self.script("editor", f"""#!/bin/sh
# a stand-in for the person's editor: put the prepared body (and headers) in the draft
cat {self.body} >> "$1"
""")
        self.header_editor = self.script("header-editor", f"""#!/bin/sh
# with edit_headers: type the skip header among the headers, then the body
{{ sed '/^$/q' "$1" | sed '$d'; echo 'X-Apologylint: skip'; echo; cat {self.body}; }} > "$1.new" && mv "$1.new" "$1"
""")

    def script(self, name: str, text: str) -> pathlib.Path:
        path = self.dir / name
        path.write_text(text)
        path.chmod(0o755)
        return path

    def env(self, **extra: str) -> dict[str, str]:
        env = {"HOME": str(self.home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm-256color",
               "LANG": "C.UTF-8", "XDG_STATE_HOME": str(self.state), "XDG_CONFIG_HOME": str(self.home / ".config")}
        env.update(extra)
        return env

    def sent(self) -> list[bytes]:
        return [p.read_bytes() for p in sorted(self.box.glob("*.eml"))]

    def log_lines(self) -> list[str]:
        path = self.state / "apologylint" / "hook.log"
        return path.read_text().splitlines() if path.exists() else []

    def close(self) -> None:
        tmux("kill-server", check=False)
        if self.keep:
            print(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


# -- tmux ------------------------------------------------------------------------------------------
def tmux(*args: str, check: bool = True) -> str:
    proc = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True)
    if check and proc.returncode:
        raise RuntimeError(f"tmux {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout


def start(world: World, command: str, env: dict[str, str]) -> None:
    tmux("kill-server", check=False)
    time.sleep(0.5)
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    for attempt in range(5):
        try:
            tmux("new-session", "-d", "-x", "120", "-y", "40", "-s", "c", f"env -i {exports} {command}; sleep 600")
            return
        except RuntimeError:
            if attempt == 4:
                raise
            time.sleep(1)


def tail(text: str, n: int = 3) -> str:
    return "\n".join([ln for ln in text.splitlines() if ln.strip()][-n:])


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", "c")


def keys(*k: str) -> None:
    tmux("send-keys", "-t", "c", *k)


def wait_for(text: str, timeout: float = 60.0) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s = screen()
        if text in s:
            return s
        time.sleep(0.3)
    return screen()


def show(title: str, text: str) -> None:
    print(f"  --- {title} ---")
    lines = text.rstrip("\n").splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    for line in lines:
        print("  | " + line.rstrip())


def report_new(world: World, before_sent: int, before_log: int) -> tuple[list[bytes], list[str]]:
    got = world.sent()[before_sent:]
    log = world.log_lines()[before_log:]
    print(f"  fake sendmail received {len(got)} message(s)")
    for line in log:
        print(f"  hook.log: {line}")
    return got, log


# -- mutt and neomutt ------------------------------------------------------------------------------
def muttrc(world: World, client: str, extra: str = "") -> pathlib.Path:
    path = world.dir / f"{client}rc"
    path.write_text(f"""set sendmail = "{world.hook} -oi"
set sendmail_wait = 0
set editor = "{world.editor}"
set edit_headers = no
set from = "tom@acme.example"
set use_from = yes
set folder = "{world.home}/Mail"
set spoolfile = "+INBOX"
set record = ""
set postpone = ask-no
set copy = no
set sleep_time = 0
set wait_key = yes
set mbox_type = Maildir
set header_cache = ""
set message_cachedir = ""
macro compose \\eY "<enter-command>setenv APOLOGYLINT_SKIP 1<enter><send-message><enter-command>unsetenv APOLOGYLINT_SKIP<enter>" "send without apologylint"
{extra}
""")
    return path


def to_compose_menu() -> str:
    """Answer mutt's To:/Subject: prompts (prefilled from the command line) up to the compose menu."""
    wait_for("q:Quit", 30)  # the index of the (empty) INBOX
    keys("m")
    end = time.monotonic() + 60
    while time.monotonic() < end:
        s = screen()
        if "y:Send" in s:
            return s
        last = [ln for ln in s.splitlines() if ln.strip()][-1:] or [""]
        if last[0].startswith("To:"):
            keys("maria@example.com", "Enter")
            time.sleep(0.5)
        elif last[0].startswith("Subject:"):
            keys("Re: Order 4411", "Enter")
            time.sleep(0.5)
        elif last[0].startswith(("Cc:", "Bcc:")):
            keys("Enter")
            time.sleep(0.5)
        time.sleep(0.3)
    return screen()


def compose_in_mutt(world: World, client: str, body: str, rc: pathlib.Path, hook_args: str = "",
                    before_send=None) -> str:
    world.body.write_text(body)
    start(world, f"{client} -n -F {rc}", world.env(HOOK_ARGS=hook_args))
    s = to_compose_menu()
    if before_send:
        before_send()
        s = screen()
    keys("y")
    return s


def mutt_scenarios(world: World, client: str) -> None:
    rc = muttrc(world, client)
    print(f"\n=== {client}: a message with a finding is held ===")
    n, m = len(world.sent()), len(world.log_lines())
    compose_in_mutt(world, client, HELD_BODY, rc)
    pager = wait_for("Output of the delivery process")
    show("screen: the pager mutt opens", pager)
    keys("q")
    s = wait_for("y:Send", 20)
    show("screen after q: back in the compose menu", s)
    got, log = report_new(world, n, m)
    check(got == [] and any(" held:" in line for line in log), f"{client}: held, nothing sent, logged")
    check("Error sending message, child exited 1" in pager, f"{client}: the status line says the send failed")
    check("body:4:19: TST901" in pager, f"{client}: the pager shows the report")
    check(bool(log) and "body:4:" in log[-1], f"{client}: the report says body line 4")

    print(f"\n=== {client}: a clean message is sent ===")
    n, m = len(world.sent()), len(world.log_lines())
    compose_in_mutt(world, client, CLEAN_BODY, rc)
    s = wait_for("Mail sent", 60)
    show("screen (last lines)", tail(s))
    got, log = report_new(world, n, m)
    check(len(got) == 1 and CLEAN_BODY.split("\n")[2].encode() in got[0], f"{client}: sent, body intact")

    print(f"\n=== {client}: a broken configuration fails open (mutt shows only 'Mail sent.') ===")
    bad = world.dir / "bad.toml"
    bad.write_text("fail_on = [not toml")
    n, m = len(world.sent()), len(world.log_lines())
    compose_in_mutt(world, client, HELD_BODY, rc, hook_args=f"--config {bad}")
    s = wait_for("Mail sent", 60)
    show("screen (last lines)", tail(s))
    got, log = report_new(world, n, m)
    check(len(got) == 1 and any("sent-unlinted" in line for line in log), f"{client}: sent unlinted, and hook.log says so")

    print(f"\n=== {client}: :my_hdr X-Apologylint: skip typed in the compose menu ===")
    n, m = len(world.sent()), len(world.log_lines())

    def my_hdr():
        keys(":", "my_hdr X-Apologylint: skip", "Enter")
        time.sleep(0.5)

    compose_in_mutt(world, client, HELD_BODY, rc, before_send=my_hdr)
    s = wait_for("Mail sent", 30) if True else ""
    if "Output of the delivery process" in screen() or "Mail sent" not in s:
        s = wait_for("Output of the delivery process", 30)
        show("screen", s)
        keys("q")
    else:
        show("screen (last lines)", tail(s))
    got, log = report_new(world, n, m)
    reached = len(got) == 1 and b"X-Apologylint: skip" in got[0]
    print(f"  RESULT: the typed my_hdr {'reached' if reached else 'did NOT reach'} the message")
    world.results[f"{client} my_hdr in compose"] = reached

    print(f"\n=== {client}: the skip header typed in the editor (edit_headers) ===")
    rc2 = muttrc(world, client + "-eh", f'set edit_headers = yes\nset editor = "{world.header_editor}"')
    n, m = len(world.sent()), len(world.log_lines())
    compose_in_mutt(world, client, HELD_BODY, rc2)
    s = wait_for("Mail sent", 60)
    show("screen (last lines)", tail(s))
    got, log = report_new(world, n, m)
    ok = len(got) == 1 and b"X-Apologylint: skip" in got[0]
    check(ok and any("sent-skipped" in line for line in log), f"{client}: edit_headers skip header sent (and goes out)")
    world.results[f"{client} edit_headers"] = ok

    print(f"\n=== {client}: the macro (Esc Y: setenv APOLOGYLINT_SKIP 1, send, unsetenv) ===")
    n, m = len(world.sent()), len(world.log_lines())
    world.body.write_text(HELD_BODY)
    start(world, f"{client} -n -F {rc}", world.env())
    to_compose_menu()
    keys("Escape", "Y")
    s = wait_for("Mail sent", 60)
    show("screen (last lines)", tail(s))
    got, log = report_new(world, n, m)
    ok = len(got) == 1 and any("sent-skipped" in line for line in log)
    check(ok, f"{client}: the macro sends without linting")
    world.results[f"{client} macro"] = ok

    print(f"\n=== {client} -a blob.bin with no body (batch mode) ===")
    blob = world.dir / "blob.bin"
    blob.write_bytes(bytes(range(256)))
    n, m = len(world.sent()), len(world.log_lines())
    proc = subprocess.run([client, "-n", "-F", str(rc), "-s", "the file", "-a", str(blob), "--", "maria@example.com"],
                          stdin=subprocess.DEVNULL, capture_output=True, env=world.env(), timeout=120)
    print(f"  {client} exit {proc.returncode}, stderr: {proc.stderr.decode(errors='replace').strip()!r}")
    got, log = report_new(world, n, m)
    if proc.returncode and not log:  # neomutt 20220429: "Refusing to send an empty email", sendmail never runs
        check(got == [], f"{client} -a: {client} itself refuses, the hook is never run")
    else:
        check(len(got) == 1 and any("nothing to lint: the body is empty" in line for line in log),
              f"{client} -a: sent, and the hook says there was nothing to lint")

    print(f"\n=== {client}: :my_hdr X-Apologylint: skip typed in the index, before composing ===")
    n, m = len(world.sent()), len(world.log_lines())
    world.body.write_text(HELD_BODY)
    start(world, f"{client} -n -F {rc}", world.env())
    wait_for("q:Quit", 30)
    keys(":", "my_hdr X-Apologylint: skip", "Enter")
    time.sleep(0.5)
    to_compose_menu()
    keys("y")
    s = wait_for("Mail sent", 30)
    show("screen (last lines)", tail(s))
    got, log = report_new(world, n, m)
    ok = len(got) == 1 and b"X-Apologylint: skip" in got[0]
    print(f"  RESULT: my_hdr typed before composing {'reached' if ok else 'did NOT reach'} the message")
    world.results[f"{client} my_hdr before m"] = ok


# -- aerc ------------------------------------------------------------------------------------------
def aerc_config(world: World, hook: pathlib.Path) -> None:
    conf = world.home / ".config" / "aerc"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "accounts.conf").write_text(f"""[Work]
source = maildir://{world.home}/Mail
outgoing = {hook}
default = INBOX
from = Tom Baker <tom@acme.example>
copy-to =
""")
    (conf / "accounts.conf").chmod(0o600)
    (conf / "aerc.conf").write_text(f"""[general]
unsafe-accounts-conf = true
[compose]
editor = {world.editor}
[ui]
new-message-bell = false
""")


def aerc_compose(world: World, body: str, hook_args: str = "") -> None:
    """aerc 0.14: `:compose` runs the editor at once (ours writes the body and exits), then the
    review screen ("Send this email?"); the To: field is set with `:header`."""
    world.body.write_text(body)
    start(world, "aerc", world.env(HOOK_ARGS=hook_args))
    wait_for("Connected", 30)
    time.sleep(1)
    keys(":", "compose", "Enter")
    wait_for("Send this email?", 20)
    keys(":", "header To maria@example.com", "Enter")
    time.sleep(0.5)


def aerc_send_and_look(label: str) -> tuple[str, str]:
    """Press y; look at the screen once the hook is done, and again after a key makes aerc redraw."""
    keys("y")
    time.sleep(6)
    before = screen()
    show(f"{label}: screen after y, no key pressed", tail(before, 4))
    keys("C-l")
    time.sleep(1)
    after = screen()
    show(f"{label}: after Ctrl-L", "\n".join([ln for ln in after.splitlines() if ln.strip()][:3]) + "\n" + tail(after, 1))
    return before, after


def aerc_scenarios(world: World) -> None:
    aerc_config(world, world.hook)
    for tty in ("auto", "never"):
        print(f"\n=== aerc: a message with a finding is held (--tty {tty}) ===")
        n, m = len(world.sent()), len(world.log_lines())
        aerc_compose(world, HELD_BODY, hook_args=f"--tty {tty}")
        before, after = aerc_send_and_look("held")
        got, log = report_new(world, n, m)
        check(got == [] and any(" held:" in line for line in log), f"aerc --tty {tty}: held, nothing sent, logged")
        check("Send this email?" in after, f"aerc --tty {tty}: the composer (the draft) is back after a key")
        world.results[f"aerc --tty {tty}: report text drawn over the screen"] = "NOT sent" in before or "TST901" in before
        world.results[f"aerc --tty {tty}: 'exit status' visible"] = "exit status" in before + after

    print("\n=== aerc: a clean message is sent ===")
    n, m = len(world.sent()), len(world.log_lines())
    aerc_compose(world, CLEAN_BODY, hook_args="--tty never")
    before, after = aerc_send_and_look("clean")
    got, log = report_new(world, n, m)
    check(len(got) == 1, "aerc: clean message sent")

    print("\n=== aerc: a broken configuration fails open ===")
    bad = world.dir / "bad.toml"
    bad.write_text("fail_on = [not toml")
    n, m = len(world.sent()), len(world.log_lines())
    aerc_compose(world, HELD_BODY, hook_args=f"--tty never --config {bad}")
    before, after = aerc_send_and_look("broken config")
    got, log = report_new(world, n, m)
    check(len(got) == 1 and any("sent-unlinted" in line for line in log), "aerc: sent unlinted, and hook.log says so")

    print("\n=== aerc: the skip header set in the composer (:header X-Apologylint skip) ===")
    n, m = len(world.sent()), len(world.log_lines())
    aerc_compose(world, HELD_BODY, hook_args="--tty never")
    keys(":", "header X-Apologylint skip", "Enter")
    time.sleep(0.5)
    before, after = aerc_send_and_look("skip header")
    got, log = report_new(world, n, m)
    ok = len(got) == 1 and b"X-Apologylint: skip" in got[0]
    check(ok, "aerc: ':header X-Apologylint skip' sends without linting (the header goes out)")
    world.results["aerc :header"] = ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("clients", nargs="*", default=["mutt", "neomutt", "aerc"])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    missing = [c for c in args.clients + ["tmux"] if not shutil.which(c)]
    if missing:
        print(f"not installed: {', '.join(missing)} (apt-get install -y mutt neomutt aerc tmux)")
        return 2
    world = World(args.keep)
    world.results = {}
    try:
        for client in args.clients:
            if client == "aerc":
                aerc_scenarios(world)
            else:
                mutt_scenarios(world, client)
    finally:
        world.close()
    print("\nfindings:", world.results)
    print(f"\n{len(failures)} check(s) failed" + (": " + "; ".join(failures) if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
