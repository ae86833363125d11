"""Small git repositories built in a test's tmp_path, with the authors and dates each commit needs."""

from pathlib import Path

from meetings.lib.git import git, git_text


class Repo:
    """A repository with a `main` branch; each commit names its author, e-mail and date."""

    def __init__(self, path: Path):
        self.path = path
        git(["init", "--quiet", "-b", "main", str(path)])

    def run(self, *args: str, author: str = "Ann Author", email: str = "ann@example.org", date: str = "") -> str:
        date = date or "2018-06-01T10:00:00+00:00"
        env = {
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": date,
        }
        return git_text(["-c", f"user.name={author}", "-c", f"user.email={email}", *args], cwd=self.path, env=env)

    def commit(self, files: dict[str, str | bytes | None], message: str = "Update", **who) -> str:
        """Write (or, for None, delete) the files and commit them; the commit's id."""
        for name, content in files.items():
            path = self.path / name
            if content is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        self.run("add", "--all")
        self.run("commit", "--quiet", "--allow-empty", "-m", message, **who)
        return self.head()

    def rename(self, old: str, new: str, message: str = "Rename", **who) -> str:
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        self.run("mv", old, new)
        self.run("commit", "--quiet", "-m", message, **who)
        return self.head()

    def head(self) -> str:
        return self.run("rev-parse", "HEAD").strip()


def minutes(day: str, diego: str = "- a", cli: str = "- b", announcements: str = "Hello.") -> str:
    """A Runtime meeting with two team reports."""
    return (
        f"# Runtime PMC Meeting {day}\n\n## Announcements\n\n{announcements}\n\n## Backlog Reviews\n\n"
        f"### Diego - Eric\n\n{diego}\n\n### CLI - Anand\n\n{cli}\n"
    )
