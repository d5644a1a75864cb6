"""The progress bar: only on a terminal, never under CI or in piped output."""

from __future__ import annotations

import io

from backendreview.cli import main
from backendreview.progress import ProgressBar, wanted


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_wanted_only_on_a_terminal_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert wanted(_Terminal()) is True
    assert wanted(io.StringIO()) is False  # piped
    monkeypatch.setenv("CI", "true")
    assert wanted(_Terminal()) is False
    monkeypatch.delenv("CI")
    monkeypatch.setenv("TERM", "dumb")
    assert wanted(_Terminal()) is False


def test_a_short_run_never_shows_the_bar(capsys):
    bar = ProgressBar(True, delay=3600.0)
    for done in range(5):
        bar(done, 5)
    bar.close()
    assert capsys.readouterr().err == ""


def test_a_long_run_shows_files_done_and_total():
    terminal = _Terminal()
    bar = ProgressBar(True, delay=0.0, stream=terminal)
    bar(3, 10)
    bar(7, 10)
    bar.close()
    shown = terminal.getvalue()
    assert "reviewing" in shown and "7/10" in shown and "files" in shown


def test_disabled_bar_prints_nothing(capsys):
    bar = ProgressBar(False, delay=0.0)
    bar(1, 10)
    bar.close()
    assert capsys.readouterr().err == ""


def test_check_in_a_pipe_prints_no_progress(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for index in range(3):
        (tmp_path / f"m{index}.py").write_text("x = 1\n", encoding="utf-8")
    assert main(["check", ".", "--format", "json", "--jobs", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert '"findings": []' in captured.out
