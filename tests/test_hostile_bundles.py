"""A bundle is a zip anyone could have made: every malformed one is refused with what is wrong, nothing written."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import add, write_file
from tracker.cli import cli
from tracker.domain.errors import InvalidInput
from tracker.domain.records import ImportOptions
from tracker.service import Tracker

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _good_bundle(tracker: Tracker, tmp_path: Path) -> tuple[dict, dict[str, bytes]]:
    """The manifest and members of a real export with one receipt, then an empty database to import into."""
    record = add(tracker, reference="A", receipts=(write_file(tmp_path / "slip.png", b"\x89PNG slip"),))
    target = tmp_path / "good.zip"
    tracker.export_file(target, bundle=True)
    with zipfile.ZipFile(target) as z:
        members = {name: z.read(name) for name in z.namelist()}
    tracker.delete_topup(record.id, source="cli")
    return json.loads(members.pop("manifest.json")), members


def _zip(path: Path, manifest: object, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("manifest.json", manifest if isinstance(manifest, str) else json.dumps(manifest))
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _refused(tracker: Tracker, path: Path, dry_run: bool = False) -> str:
    with pytest.raises(InvalidInput) as refused:
        tracker.import_file(path, options=ImportOptions(dry_run=dry_run))
    return str(refused.value)


@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize("name", ["../../escaped", "/tmp/topup-escaped-absolute", "receipts/../../x", ""])
def test_a_receipt_name_that_is_not_a_hash_writes_nothing_anywhere(
    tracker: Tracker, tmp_path: Path, name: str, dry_run: bool
) -> None:
    manifest, members = _good_bundle(tracker, tmp_path)
    manifest["receipts"][0]["sha256"] = name
    members[f"receipts/{name}"] = b"overwrite"
    bundle = _zip(tmp_path / "hostile.zip", manifest, members)
    before = sorted(p for p in tmp_path.rglob("*"))
    assert "no valid SHA-256" in _refused(tracker, bundle, dry_run)
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert not Path("/tmp/topup-escaped-absolute").exists()
    assert tracker.count_topups() == 0


def _malformed(manifest: dict, members: dict[str, bytes]) -> dict[str, tuple[object, dict[str, bytes], str]]:
    sha = manifest["receipts"][0]["sha256"]
    without_receipt = {k: v for k, v in members.items() if not k.startswith("receipts/")}
    corrupt = dict(members)
    corrupt[f"receipts/{sha}"] = b"not the slip"
    return {
        "a list": ([manifest], members, "not a JSON object"),
        "not JSON": ("{", members, "not valid JSON"),
        "no csv": ({"receipts": []}, members, "does not name its CSV"),
        "csv hash an int": ({**manifest, "csv": {"name": "topups.csv", "sha256": 7}}, members, "no valid SHA-256"),
        "receipts not a list": ({**manifest, "receipts": {"a": 1}}, members, "not a list"),
        "entry not an object": ({**manifest, "receipts": ["x"]}, members, "not an object"),
        "entry without sha256": ({**manifest, "receipts": [{"name": "x"}]}, members, "no valid SHA-256"),
        "missing member": (manifest, without_receipt, "is missing from the zip"),
        "damaged member": (manifest, corrupt, "is damaged"),
    }


@pytest.mark.parametrize(
    "case",
    ["a list", "not JSON", "no csv", "csv hash an int", "receipts not a list", "entry not an object",
     "entry without sha256", "missing member", "damaged member"],
)  # fmt: skip
def test_each_malformed_bundle_is_refused_with_what_is_wrong(tracker: Tracker, tmp_path: Path, case: str) -> None:
    manifest, members = _good_bundle(tracker, tmp_path)
    bad, parts, why = _malformed(manifest, members)[case]
    bundle = _zip(tmp_path / "bad.zip", bad, parts)
    assert why in _refused(tracker, bundle)
    assert tracker.count_topups() == 0


def test_an_encrypted_or_truncated_zip_is_refused(tracker: Tracker, tmp_path: Path) -> None:
    manifest, members = _good_bundle(tracker, tmp_path)
    encrypted = _zip(tmp_path / "encrypted.zip", manifest, members)
    raw = bytearray(encrypted.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local and central headers
        at = raw.find(signature)
        while at >= 0:
            raw[at + flag_at] |= 0x1  # "encrypted": reading the member asks for a password
            at = raw.find(signature, at + 4)
    encrypted.write_bytes(bytes(raw))
    assert "encrypted" in _refused(tracker, encrypted)
    whole = _zip(tmp_path / "whole.zip", manifest, members).read_bytes()
    cut = write_file(tmp_path / "cut.zip", whole[: len(whole) - 40])
    with pytest.raises(InvalidInput):
        tracker.import_file(cut)


def test_a_member_larger_than_allowed_is_refused_before_it_is_read(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest, members = _good_bundle(tracker, tmp_path)
    monkeypatch.setattr("tracker.flows.importing.bundles.MAX_MANIFEST", 10)
    assert "larger than" in _refused(tracker, _zip(tmp_path / "big.zip", manifest, members), dry_run=True)


def test_the_cli_refuses_a_hostile_bundle_without_a_traceback(tracker: Tracker, tmp_path: Path, monkeypatch) -> None:
    manifest, members = _good_bundle(tracker, tmp_path)
    manifest["receipts"][0]["sha256"] = "../../x"
    bundle = _zip(tmp_path / "hostile.zip", manifest, members)
    monkeypatch.setenv("TOPUP_DATABASE_URL", tracker.settings.database_url)
    result = CliRunner().invoke(cli, ["import", str(bundle), "--dry-run"])
    assert result.exit_code == 1
    assert "no valid SHA-256" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_receipt_over_the_size_limit_is_refused_in_a_dry_run_too(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dry_run: bool
) -> None:
    manifest, members = _good_bundle(tracker, tmp_path)
    monkeypatch.setattr("tracker.flows.importing.bundles.MAX_SIZE", 4)  # the slip is 9 bytes
    assert "too large" in _refused(tracker, _zip(tmp_path / "big.zip", manifest, members), dry_run=dry_run)
    assert tracker.count_topups() == 0
