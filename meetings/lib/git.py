"""Run the git command line: the history import reads repositories with it, the mirror writes one.

The command line rather than a library: it is the reference implementation,
already on every machine that holds a committee's repository, it reads bundles,
any URL `git clone` accepts and `.mailmap` files exactly as GitHub does, and a
plumbing command (`cat-file --batch`, `log -z`) reads a long history in one
process. Every call has a timeout and a fixed environment: no pager, no prompt
for credentials (a push that needs a password fails instead of hanging the
worker), no user or system configuration changing what the output looks like.
"""

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

DEFAULT_TIMEOUT = 120  # seconds; a clone or push of a large archive over a slow link takes a while

_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ASKPASS": "true",
    "GIT_PAGER": "cat",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "LC_ALL": "C",
}


class GitError(Exception):
    """A git command failed or git is missing; the message says which command and why."""


def git(
    args: Sequence[str],
    *,
    cwd: Path | str | None = None,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> bytes:
    """The standard output of `git <args>`; GitError naming the command and git's own message if it fails."""
    command = ["git", *args]
    environment = {**os.environ, **_ENV, **(env or {})}
    try:
        done = subprocess.run(  # noqa: S603 (a list of arguments, never a shell)
            command, cwd=cwd, input=input, env=environment, capture_output=True, timeout=timeout, check=False
        )
    except FileNotFoundError as error:
        raise GitError("git is not installed (expected the `git` command on the PATH)") from error
    except subprocess.TimeoutExpired as error:
        raise GitError(f"`git {' '.join(args[:2])}` took longer than {timeout:g} s and was stopped") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
        raise GitError(f"`git {' '.join(args[:2])}` failed: {message}")
    return done.stdout


def git_text(args: Sequence[str], **options) -> str:
    """`git` with its output decoded as UTF-8 (git's own default for names and messages)."""
    return git(args, **options).decode("utf-8", "replace")
