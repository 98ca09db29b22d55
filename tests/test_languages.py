"""topup speaks English, 简体中文, Русский and Қазақша: chosen per run, and the same exit codes in each."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import NOW
from tests.test_docs import _commands
from tracker.cli import cli
from tracker.domain.clock import Clock
from tracker.domain.i18n import _, choose, language, normalise, set_language

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Clock, "now", lambda self: NOW)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _add() -> None:
    for minute in ("10:00", "10:05"):
        assert run("add", "--line", "87011234567", "--amount", "2000", "--channel", "bank_app", "--at",
                   f"2026-11-20 {minute}", "-y").exit_code == 0  # fmt: skip


def test_a_report_in_chinese() -> None:
    _add()
    result = run("--lang", "zh_CN", "report", "--month", "2026-11")
    assert result.exit_code == 0
    assert "2026-11 的充值记录" in result.output and "支出" in result.output
    assert "4,000.00" in result.output  # amounts stay exact


def test_a_breakdown_without_a_provider_says_so_in_each_language_and_keeps_its_key_in_json() -> None:
    _add()  # added without a provider
    for code, none in (("en", "(none)"), ("zh_CN", "（无）"), ("ru", "(нет)"), ("kk", "(жоқ)")):
        table = run("--lang", code, "report", "--month", "2026-11")
        (by_provider,) = [line.split() for line in table.output.splitlines() if line.startswith(none)]
        assert by_provider[:2] == [none, "2"], (code, by_provider)  # the provider breakdown's one row: two top-ups
    body = json.loads(run("--lang", "zh_CN", "report", "--month", "2026-11", "--format", "json").output)
    assert [e["key"] for e in body["months"][0]["by_provider"]] == ["(none)"]  # a key, for programs, in any language


def test_checks_in_russian_with_the_same_findings() -> None:
    _add()
    english = run("check")
    russian = run("--lang", "ru", "check")
    assert english.exit_code == russian.exit_code == 1  # findings: exit 1 in both
    assert "тот же номер и сумма" in russian.output and "same line and amount" not in russian.output


def test_help_in_kazakh_and_in_every_command() -> None:
    result = run("--lang", "kk", "--help")
    assert result.exit_code == 0
    assert result.output.startswith("Қолданылуы: ")
    assert "Опциялар:" in result.output and "Database URL" not in result.output
    for path, command in _commands(cli):
        text = run("--lang", "kk", *path.split(), "--help").output
        first = inspect.cleandoc(command.help or "").splitlines()[0]
        assert "Қолданылуы:" in text and "Show this message and exit." not in text, path
        assert first not in text, f"{path}: its help is still English"


@pytest.mark.parametrize(
    ("code", "refused", "usage"),
    [("zh_CN", "不是有效的手机号码", "没有命令"), ("ru", "некорректный номер телефона", "Нет такой команды"),
     ("kk", "жарамды телефон нөмірі емес", "командасы жоқ")],
)  # fmt: skip
def test_errors_in_each_language_keep_their_exit_codes(code: str, refused: str, usage: str) -> None:
    bad = run("--lang", code, "add", "--line", "123", "--amount", "5", "--channel", "bank_app")
    assert bad.exit_code == 1 and refused in bad.output, bad.output
    unknown = run("--lang", code, "nosuch")
    assert unknown.exit_code == 2 and usage in unknown.output, unknown.output


def test_the_language_comes_from_lang_then_topup_lang_then_config_then_the_system(monkeypatch) -> None:
    for name in ("TOPUP_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert choose() == "en"
    monkeypatch.setenv("LANG", "ru_KZ.UTF-8")
    assert choose() == "ru"
    monkeypatch.setenv("LANGUAGE", "kk_KZ:ru")
    assert choose() == "kk"
    assert choose(configured="zh_CN") == "zh_CN"
    monkeypatch.setenv("TOPUP_LANG", "ru")
    assert choose(configured="zh_CN") == "ru"
    assert choose("zh-CN", configured="kk") == "zh_CN"
    assert normalise("C.UTF-8") is None and normalise("de_DE") is None  # not spoken: the next source decides


def test_config_toml_and_topup_lang_reach_a_fresh_process(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('locale = "ru"\n', encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "TOPUP_HOME": str(home), "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
    configured = subprocess.run([sys.executable, "-m", "tracker", "--help"], env=env, capture_output=True,
                                text=True, cwd=ROOT)  # fmt: skip
    assert configured.returncode == 0 and configured.stdout.startswith("Использование: topup")
    chosen = subprocess.run([sys.executable, "-m", "tracker", "--help"], env={**env, "TOPUP_LANG": "zh_CN"},
                            capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert chosen.stdout.startswith("用法：topup") or "用法" in chosen.stdout.splitlines()[0]


def test_the_language_can_change_while_running() -> None:
    assert _("Top-ups") == "Top-ups"
    set_language("kk")
    assert language() == "kk" and _("Top-ups") != "Top-ups"
    set_language("zh_CN")
    assert _("Top-ups") == "充值记录"
    set_language("xx")  # unknown: English
    assert language() == "en" and _("Top-ups") == "Top-ups"


def test_plurals_follow_each_languages_rules() -> None:
    from tracker.domain.i18n import ngettext

    set_language("ru")
    forms = {n: ngettext("{n} top-up", "{n} top-ups", n).format(n=n) for n in (1, 3, 5, 21)}
    assert len(set(f.split(" ", 1)[1] for f in forms.values())) == 3  # одна, несколько, много
    assert forms[1].split(" ", 1)[1] == forms[21].split(" ", 1)[1]


def test_each_vocabulary_has_its_own_labels() -> None:
    """A terminal top-up reads "terminal or shop", its reference "terminal no.", a receipt check "receipt": the
    codes are the same words, the labels are not."""
    from tracker.domain.vocab import Channel, RefKind, VerifiedBy, label

    assert (label(Channel.TERMINAL), label(RefKind.TERMINAL)) == ("terminal or shop", "terminal no.")
    assert (label(VerifiedBy.RECEIPT), label(RefKind.RECEIPT)) == ("receipt", "receipt no.")
    set_language("zh_CN")
    assert label(Channel.TERMINAL) != label(RefKind.TERMINAL)
    shown = run("add", "--line", "87011234567", "--amount", "500", "--channel", "terminal", "--ref", "1029",
                "--ref-kind", "terminal", "--at", "2026-11-20 10:00", "-y")  # fmt: skip
    assert shown.exit_code == 0, shown.output
    detail = run("show", "1").output
    assert "Channel" not in detail  # Chinese, as set above
    set_language("en")
    detail = run("show", "1").output
    assert "terminal or shop" in detail and "1029  terminal no." in detail, detail


def test_the_guide_speaks_each_language() -> None:
    english = run("guide", "terminal")
    assert english.exit_code == 0 and "no change" in english.output and "Kassa24" in english.output
    chinese = run("--lang", "zh_CN", "guide", "terminal")
    assert chinese.exit_code == 0 and "Kassa24" in chinese.output and "no change" not in chinese.output
    assert "topup 遵循的建议" in chinese.output
    unknown = run("guide", "pigeon")
    assert unknown.exit_code == 2 and "pigeon" in unknown.output


def test_percentages_in_reports_are_written_as_their_readers_do() -> None:
    from decimal import Decimal

    from tracker.domain.formatting import percent

    assert percent(Decimal("-0.857"), signed=True) == "-85.7%"
    set_language("ru")
    assert percent(Decimal("-0.857"), signed=True) == "-85,7\u00a0%"
    assert percent(Decimal("0.5"), digits=0) == "50\u00a0%"


def test_a_language_chosen_in_the_app_is_written_to_config_toml_keeping_the_rest(tmp_path: Path) -> None:
    from tracker.domain.settings import load_settings
    from tracker.storage.config import write_setting

    config = tmp_path / "config.toml"
    config.write_text('# my settings\nzone = "Asia/Almaty"  # home\nlocale = "en"\n', encoding="utf-8")
    write_setting(config, "locale", "kk")
    assert config.read_text(encoding="utf-8") == '# my settings\nzone = "Asia/Almaty"  # home\nlocale = "kk"\n'
    assert config.stat().st_mode & 0o777 == 0o600
    assert load_settings(home=tmp_path).locale == "kk"
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no temporary file left beside it
