"""The inbox's read state: per account, kept across restarts, atomic, forgiving of a damaged file."""

from pathlib import Path

from lfdesktop.accounts.readstate import ReadState, readstate_file


def test_opened_ids_survive_a_reload(tmp_path: Path) -> None:
    state = ReadState.load(tmp_path, "alice@example.com on https://files.example.com")
    assert not state.is_opened("m1")
    assert state.mark_opened("m1") and not state.mark_opened("m1")
    state.save()
    again = ReadState.load(tmp_path, "alice@example.com on https://files.example.com")
    assert again.is_opened("m1") and not again.is_opened("m2")
    assert list(state.path.parent.iterdir()) == [state.path]  # no temporary file left behind


def test_each_account_has_its_own_state(tmp_path: Path) -> None:
    alice = ReadState.load(tmp_path, "alice@example.com on https://a.example.com")
    alice.mark_opened("m1")
    alice.save()
    assert not ReadState.load(tmp_path, "bob@example.com on https://a.example.com").is_opened("m1")
    assert "alice" not in alice.path.name


def test_a_damaged_file_means_nothing_opened(tmp_path: Path) -> None:
    path = readstate_file(tmp_path, "k")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    state = ReadState.load(tmp_path, "k")
    assert state.opened == set()
    state.mark_opened("m2")
    state.save()
    assert ReadState.load(tmp_path, "k").opened == {"m2"}


def test_messages_no_longer_listed_are_forgotten(tmp_path: Path) -> None:
    state = ReadState.load(tmp_path, "ann@example.com on https://files.example.com")
    for message_id in ("a", "b", "c"):
        state.mark_opened(message_id)
    assert not state.keep_only(["a", "b", "c", "d"])
    assert state.keep_only(["b", "d"]) and state.opened == {"b"}
    state.save()
    assert ReadState.load(tmp_path, "ann@example.com on https://files.example.com").opened == {"b"}
