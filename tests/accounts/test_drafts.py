"""The Send pane's draft: per account, kept across restarts, atomic, forgiving of a damaged file."""

from pathlib import Path

from lfdesktop.accounts.drafts import Draft, DraftFile, draft_file, load_draft, save_draft

ANN = "ann@example.com on https://files.example.com"
BEN = "ben@example.com on https://files.example.com"


def test_a_draft_survives_a_reload_per_account(tmp_path: Path) -> None:
    draft = Draft(to="bob@partner.example, car", subject="Q3 — Zahlen", message="Hi Bob,\n\nsee attached.",
                  files=(DraftFile("/home/ann/q3.xlsx", "q3.xlsx", 1234, "att-1"),
                         DraftFile("/home/ann/photos/a.jpg", "photos/a.jpg", 99)))
    save_draft(tmp_path, ANN, draft)
    assert load_draft(tmp_path, ANN) == draft
    assert load_draft(tmp_path, BEN) == Draft()
    assert ANN not in draft_file(tmp_path, ANN).name  # no address in a file name


def test_an_empty_draft_removes_the_file(tmp_path: Path) -> None:
    save_draft(tmp_path, ANN, Draft(subject="x"))
    save_draft(tmp_path, ANN, Draft())
    assert not draft_file(tmp_path, ANN).exists() and load_draft(tmp_path, ANN).empty


def test_a_damaged_draft_is_an_empty_one(tmp_path: Path) -> None:
    path = draft_file(tmp_path, ANN)
    path.parent.mkdir(parents=True)
    for damaged in ("{not json", "[1, 2]", '{"to": 5}', '{"files": [{"path": "/x"}]}'):
        path.write_text(damaged, encoding="utf-8")
        assert load_draft(tmp_path, ANN) == Draft(), damaged
