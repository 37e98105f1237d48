"""Manifests from elsewhere are not trusted: files stay inside the manifest's folder, URLs are
http(s) only and never reach private, loopback or link-local hosts (redirects included) unless
allowed, downloads are bounded; and a law without a jurisdiction is refused, not stored
nameless. The only network used is a server on 127.0.0.1 run by the tests."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import hostile_files as make
import pytest

from corpus.config import SAMPLES_MANIFEST
from corpus.downloads import MAX_BYTES, check_url, fetch
from corpus.errors import DownloadError, ManifestError
from corpus.jurisdictions import jurisdiction_from_name
from corpus.manifest import read_manifest, resolve_entries
from corpus.store import Store


def manifest(folder: Path, *rows: str) -> Path:
    path = folder / "MANIFEST.tsv"
    path.write_text("file\turl\tjurisdiction\n" + "".join(f"{r}\n" for r in rows), "utf-8")
    return path


# ---- files --------------------------------------------------------------------------------------


def test_manifest_files_outside_its_folder_are_skipped_unless_allowed(tmp_path: Path) -> None:
    folder = tmp_path / "laws"
    folder.mkdir()
    inside = make.good_text(folder, "inside.txt")
    secret = make.good_text(tmp_path, "secret.txt")
    (folder / "link.txt").symlink_to(secret)
    path = manifest(
        folder,
        "inside.txt\t\tXN",
        "../secret.txt\t\tXN",
        "../../../../../../etc/os-release\t\tXN",
        "/etc/hostname\t\tXN",
        "link.txt\t\tXN",
    )
    entries, skipped = read_manifest(path)
    assert [e.location for e in entries] == [str(inside.resolve())]
    assert len(skipped) == 4 and all("outside the manifest's folder" in s for s in skipped)
    assert "line 3: ../secret.txt" in skipped[0] and "--allow-outside" in skipped[0]
    entries, skipped = read_manifest(path, allow_outside=True)
    assert len(entries) == 5 and skipped == []


def test_only_http_and_https_urls_are_listed(tmp_path: Path) -> None:
    path = manifest(
        tmp_path,
        "\tfile:///etc/passwd\tXN",
        "\tftp://example.org/law.pdf\tXN",
        "gopher://example.org/law\t\tXN",
        "\thttps://example.org/law.pdf\tXN",
    )
    entries, skipped = read_manifest(path)
    assert [e.location for e in entries] == ["https://example.org/law.pdf"]
    assert len(skipped) == 3 and all("only http and https" in s for s in skipped)


# ---- URLs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/law.pdf",
        "http://localhost:8080/law.pdf",
        "http://[::1]/law.pdf",
        "http://[::ffff:127.0.0.1]/law.pdf",
        "http://10.1.2.3/law.pdf",
        "http://192.168.0.1/law.pdf",
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://[fe80::1]/law.pdf",
        "http://0.0.0.0/law.pdf",
    ],
)
def test_private_loopback_and_link_local_hosts_are_refused(url: str) -> None:
    with pytest.raises(DownloadError, match="--allow-private-urls"):
        check_url(url)
    check_url(url, allow_private=True)


class LawServer(http.server.BaseHTTPRequestHandler):
    """A loopback web server with a law, a redirect to a file: URL, and a lying giant."""

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        if self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        elif self.path == "/to-law":
            self.send_response(301)
            self.send_header("Location", "/laws/XN_law.txt")
            self.end_headers()
        elif self.path == "/giant.txt":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(MAX_BYTES + 1))
            self.end_headers()
        else:
            body = make.GOOD_LAW.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LawServer)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_a_loopback_url_is_fetched_only_when_allowed(server: str, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="loopback"):
        fetch(f"{server}/laws/XN_law.txt", tmp_path)
    path = fetch(f"{server}/laws/XN_law.txt", tmp_path, allow_private=True)
    assert path.read_text("utf-8") == make.GOOD_LAW


def test_redirects_are_followed_and_every_hop_checked(server: str, tmp_path: Path) -> None:
    moved = fetch(f"{server}/to-law", tmp_path, allow_private=True)
    assert moved.read_text("utf-8") == make.GOOD_LAW
    with pytest.raises(DownloadError, match="only http and https"):
        fetch(f"{server}/to-file", tmp_path, allow_private=True)


def test_a_url_ending_in_dot_dot_and_an_oversized_download_fail_cleanly(
    server: str, tmp_path: Path
) -> None:
    assert fetch(f"{server}/laws/..", tmp_path, allow_private=True).name == "download"
    with pytest.raises(DownloadError, match="too large"):
        fetch(f"{server}/giant.txt", tmp_path, allow_private=True, attempts=1)


def test_ingest_refuses_a_loopback_url_and_goes_on(c177, server: str, tmp_path: Path) -> None:
    local = make.good_text(tmp_path, "local.txt")
    local.write_text(make.GOOD_LAW + "\nSection 3. Records\nEvery employer keeps a register.\n")
    path = manifest(tmp_path, f"\t{server}/laws/XN_law.txt\tXN", "local.txt\t\tXN")
    db = str(tmp_path / "c177.sqlite")
    result = c177("ingest", "--manifest", str(path), "--db", db)
    assert result.exit_code == 1 and "--allow-private-urls" in result.output
    with Store(db) as store:
        assert [d.name for d in store.documents()] == ["local.txt"]
    result = c177("ingest", "--manifest", str(path), "--db", db, "--allow-private-urls")
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        assert sorted(d.name for d in store.documents()) == ["XN_law.txt", "local.txt"]


# ---- jurisdiction -------------------------------------------------------------------------------


def test_a_leading_iso_code_names_the_jurisdiction_and_nothing_else_does() -> None:
    assert jurisdiction_from_name("MX_Ley_Federal_del_Trabajo.pdf") == "MX"
    assert jurisdiction_from_name("DE-Heimarbeitsgesetz.md") == "DE"
    for name in ("my_law.pdf", "ILO_C177.md", "XN_Home_Work_Act.pdf", "MXN_x.pdf", "law.pdf"):
        assert jurisdiction_from_name(name) == "", name


def test_a_law_without_a_jurisdiction_is_refused_not_stored(c177, tmp_path: Path) -> None:
    law = make.good_text(tmp_path, "my_law.txt")
    db = tmp_path / "c177.sqlite"
    for command in ("ingest", "run"):  # `run` refuses before it starts Prefect
        result = c177(command, str(law), "--db", str(db))
        assert result.exit_code == 2, result.output
        assert "no jurisdiction for my_law.txt" in result.output
        assert "--jurisdiction" in result.output and "Traceback" not in result.output
    assert not db.exists() or Store(db).documents() == []


def test_the_jurisdiction_comes_from_the_flag_or_the_file_name(c177, tmp_path: Path) -> None:
    db = str(tmp_path / "c177.sqlite")
    named = make.good_text(tmp_path, "MX_ley.txt")
    plain = make.good_text(tmp_path, "my_law.txt")
    plain.write_text(make.GOOD_LAW + "\nSection 3. Extra\nAnother rule for employees.\n")
    result = c177("ingest", str(named), "--db", db)
    assert result.exit_code == 0 and "MX_ley.txt: jurisdiction MX, from the file name" in (
        result.output
    )
    result = c177("ingest", str(plain), "--db", db, "-j", "PE", "--language", "en")
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        assert {d.name: d.jurisdiction for d in store.documents()} == {
            "MX_ley.txt": "MX",
            "my_law.txt": "PE",
        }


def test_the_sample_corpus_keeps_its_user_assigned_codes() -> None:
    entries, _ = resolve_entries(None, None)
    assert {e.meta.jurisdiction for e in entries} == {"XF", "XN", "XS"}
    with pytest.raises(ManifestError):
        resolve_entries([SAMPLES_MANIFEST.parent / "XN_Home_Work_Act_2021.pdf"], None)
