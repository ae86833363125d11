"""The git runner: output on success, git's own message on failure, no prompt ever."""

import pytest

from meetings.lib.git import GitError, git, git_text


def test_a_command_gives_its_output(tmp_path):
    git(["init", "--quiet", "-b", "main", str(tmp_path)])

    assert git_text(["symbolic-ref", "HEAD"], cwd=tmp_path).strip() == "refs/heads/main"


def test_a_failing_command_names_itself_and_says_why(tmp_path):
    with pytest.raises(GitError) as raised:
        git(["log", "--oneline"], cwd=tmp_path)

    assert "`git log --oneline` failed" in str(raised.value)
    assert "not a git repository" in str(raised.value)


def test_a_remote_asking_for_a_password_fails_instead_of_waiting(tmp_path):
    # A URL nobody serves: git must give up at once rather than prompt on the worker's terminal.
    with pytest.raises(GitError):
        git(["ls-remote", "http://127.0.0.1:9/none.git"], timeout=30)


def test_git_missing_from_the_path_is_said_plainly(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(GitError, match="git is not installed"):
        git(["--version"])
