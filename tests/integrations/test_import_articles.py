"""``manage.py import_articles``: text, HTML, JSON Lines and CSV from a folder, a file or stdin."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Article

PAGE = (
    "<html><head><title>Rates held</title></head><body><article><h1>Rates held</h1>"
    "<p>The central bank kept its main rate at 2.5 percent on Thursday, the fourth meeting in a row.</p>"
    "<p>Inflation is falling but remains above target, the governor told reporters in the capital.</p>"
    "</article></body></html>"
)


def _run(*args, stdin: str | None = None, monkeypatch=None) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    code = 0
    try:
        call_command("import_articles", *args, "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return out.getvalue(), err.getvalue(), code


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "one.txt").write_text("Unemployment fell to 4.1 percent in June, the office said.\n")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "page.html").write_text(PAGE)
    (tmp_path / "batch.jsonl").write_text(
        json.dumps({"text": "Exports rose by 12 percent in 2024.", "title": "Exports", "published_date": "2025-01-02"})
        + "\n"
        + "\n"  # blank lines are skipped
        + json.dumps({"text": "Exports rose by 12 percent in 2024."})  # the same content again
        + "\n{not json\n"
        + json.dumps({"text": "x", "html": "<p>y</p>"})
        + "\n"
    )
    (tmp_path / "sheet.csv").write_text(
        "title,text,publisher\nHousing,House prices rose 3 percent in the year to May.,Example News\nEmpty,,\n"
    )
    (tmp_path / "notes.md").write_text("not imported: unknown type")
    return tmp_path


@pytest.mark.django_db
def test_folder_import_reports_imported_duplicates_and_failures_with_reasons(
    folder, editor, published_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out, err, code = _run(str(folder), "--as", "editor")

    assert out.strip().splitlines()[-1] == "imported: 4, duplicates: 1, failed: 3"
    assert code == 1  # failures make the command fail, so a script notices
    assert "batch.jsonl:4: not valid JSON" in err
    assert "batch.jsonl:5: give exactly one of text, html or url" in err
    assert "sheet.csv:3: give exactly one of text, html or url (got none)" in err
    assert Article.objects.count() == 4 and len(published_jobs) == 4  # extraction queued for each
    exports = Article.objects.get(title="Exports")
    assert str(exports.published_date) == "2025-01-02" and exports.added_by == editor
    assert Article.objects.get(title="Housing").publisher == "Example News"
    assert Article.objects.filter(title="Rates held").exists()


@pytest.mark.django_db
def test_running_twice_imports_nothing_twice(folder, editor, published_jobs):
    _run(str(folder), "--as", "editor")

    out, _, _ = _run(str(folder), "--as", "editor")

    assert out.strip().splitlines()[-1] == "imported: 0, duplicates: 5, failed: 3"
    assert Article.objects.count() == 4


@pytest.mark.django_db
def test_stdin_is_read_as_json_lines(editor, published_jobs, monkeypatch):
    lines = json.dumps({"text": "Wages grew 5 percent in 2024, the ministry said."}) + "\n"

    out, _, code = _run("-", "--as", "editor", stdin=lines, monkeypatch=monkeypatch)

    assert code == 0 and out.strip() == "imported: 1, duplicates: 0, failed: 0"


@pytest.mark.django_db
def test_a_single_file_with_a_forced_format(tmp_path, editor, published_jobs):
    page = tmp_path / "saved-page"
    page.write_text(PAGE)

    out, _, code = _run(str(page), "--as", "editor", "--format", "html")

    assert code == 0 and out.strip() == "imported: 1, duplicates: 0, failed: 0"
    assert Article.objects.get().title == "Rates held"


@pytest.mark.django_db
def test_only_an_editor_may_import(tmp_path, reviewer):
    with pytest.raises(CommandError, match="not an editor"):
        call_command("import_articles", str(tmp_path), "--as", "reviewer")
    with pytest.raises(CommandError, match="adduser nobody --role editor"):
        call_command("import_articles", str(tmp_path), "--as", "nobody")


@pytest.mark.django_db
def test_progress_bar_goes_to_stderr(tmp_path, editor, published_jobs, capsys):
    (tmp_path / "a.txt").write_text("Unemployment fell to 4.1 percent in June, the office said.")

    call_command("import_articles", str(tmp_path), "--as", "editor")

    assert "Importing" in capsys.readouterr().err
