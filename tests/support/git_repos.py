"""Small git repositories built in a test's tmp_path, with the authors and dates each commit needs."""

from dataclasses import dataclass
from pathlib import Path

from meetings.lib.git import GitError, git, git_text


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


@dataclass(frozen=True)
class MissingBlob:
    """A file whose content is an object the repository does not have."""

    oid: str = "22" * 20


class HostileRepo(Repo):
    """A Repo that also writes what `git commit` refuses: authors git cannot parse, `.git` folders, any byte in a name.

    Commits are objects written with `git hash-object --literally`, as a hostile repository's would be.
    """

    def commit_object(
        self,
        files: dict[bytes | str, bytes | str | MissingBlob],
        *,
        author: bytes = b"author Ann Author <ann@example.org> 1527847200 +0000",
        message: bytes = b"Update\n",
    ) -> str:
        """Commit exactly `files` (path: content) on main, with that author line as it is; the commit's id."""
        tree = self._tree({_bytes(path): content for path, content in files.items()})
        parents = [line for line in [self._head_or_none()] if line]
        body = b"tree " + tree.encode() + b"\n" + b"".join(b"parent " + p.encode() + b"\n" for p in parents)
        body += author + b"\ncommitter Ann Author <ann@example.org> 1527847200 +0000\n\n" + message
        return self.move_main(self.write_object("commit", body))

    def write_object(self, kind: str, data: bytes) -> str:
        """Write an object as it is, whether git could parse it or not; its id."""
        arguments = ["hash-object", "-t", kind, "-w", "--literally", "--stdin"]
        return git_text(arguments, cwd=self.path, input=data).strip()

    def move_main(self, commit: str) -> str:
        git(["update-ref", "refs/heads/main", commit], cwd=self.path)
        return commit

    def _tree(self, files: dict[bytes, bytes | str | MissingBlob]) -> str:
        entries: dict[bytes, tuple[bytes, str]] = {}
        folders: dict[bytes, dict] = {}
        for path, content in files.items():
            first, _, rest = path.partition(b"/")
            if rest:
                folders.setdefault(first, {})[rest] = content
            elif isinstance(content, MissingBlob):
                entries[first] = (b"100644", content.oid)
            else:
                entries[first] = (b"100644", self.write_object("blob", _bytes(content)))
        for name, inside in folders.items():
            entries[name] = (b"40000", self._tree(inside))
        # Git's order: a folder sorts as if its name ended with "/".
        ordered = sorted(entries.items(), key=lambda item: item[0] + (b"/" if item[1][0] == b"40000" else b""))
        data = b"".join(mode + b" " + name + b"\0" + bytes.fromhex(oid) for name, (mode, oid) in ordered)
        return self.write_object("tree", data)

    def _head_or_none(self) -> str:
        try:
            return self.head()
        except GitError:
            return ""


def _bytes(text: bytes | str) -> bytes:
    return text if isinstance(text, bytes) else text.encode()
