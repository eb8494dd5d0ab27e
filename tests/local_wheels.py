"""Tiny wheels written by hand for the dependency tests: installable offline, no build backend needed."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

METEO_PACKAGE = "meteo-locale"
METEO_SOURCE = '''"""Prévisions météo locales (paquet de test de FlowDesk)."""

__version__ = "{version}"


def prevision(ville):
    return "{sky} sur " + ville
'''


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def build_wheel(folder: Path, name: str, version: str, files: dict[str, str]) -> Path:
    """A pure-Python ``py3-none-any`` wheel with METADATA, WHEEL, top_level.txt and RECORD."""
    folder.mkdir(parents=True, exist_ok=True)
    module = name.replace("-", "_")
    info = f"{module}-{version}.dist-info"
    entries = {path: text.encode() for path, text in files.items()}
    entries[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    entries[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: flowdesk-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries[f"{info}/top_level.txt"] = (sorted({p.split("/")[0] for p in files})[0] + "\n").encode()
    record = [_record_line(p, d) for p, d in entries.items()] + [f"{info}/RECORD,,"]
    entries[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = folder / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in entries.items():
            archive.writestr(member, data)
    return path


def meteo_wheel(folder: Path, version: str = "1.0.0", sky: str = "Soleil") -> Path:
    """The ``meteo-locale`` package the seed_deps_workspace fixture requires (import name ``meteo_locale``)."""
    return build_wheel(folder, METEO_PACKAGE, version,
                       {"meteo_locale/__init__.py": METEO_SOURCE.format(version=version, sky=sky)})


def offline_index_env(wheels: Path, cache: Path) -> dict[str, str]:
    """Installer settings that keep uv and pip off the network: only the wheels in ``wheels``."""
    return {
        "UV_OFFLINE": "1", "UV_FIND_LINKS": str(wheels), "UV_CACHE_DIR": str(cache), "UV_NO_CONFIG": "1",
        "UV_PYTHON_DOWNLOADS": "never",
        "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "PIP_NO_CACHE_DIR": "1",
    }
