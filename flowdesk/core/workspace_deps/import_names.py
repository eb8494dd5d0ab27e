"""Which name a distribution is imported by (``google-api-python-client`` -> ``googleapiclient``)."""

from __future__ import annotations

from importlib.metadata import Distribution

from packaging.utils import canonicalize_name

# Distributions whose import name is not their own name, for when none is installed to ask.
# Keys are canonical names; only the widely used ones: the rest fall back to the name itself.
KNOWN_IMPORT_NAMES: dict[str, str] = {
    "google-api-python-client": "googleapiclient",
    "google-auth": "google.auth",
    "google-auth-oauthlib": "google_auth_oauthlib",
    "google-cloud-storage": "google.cloud.storage",
    "protobuf": "google.protobuf",
    "beautifulsoup4": "bs4",
    "pyyaml": "yaml",
    "pillow": "PIL",
    "python-dateutil": "dateutil",
    "python-dotenv": "dotenv",
    "python-docx": "docx",
    "python-pptx": "pptx",
    "python-multipart": "multipart",
    "python-telegram-bot": "telegram",
    "scikit-learn": "sklearn",
    "scikit-image": "skimage",
    "opencv-python": "cv2",
    "opencv-python-headless": "cv2",
    "pymupdf": "fitz",
    "pycryptodome": "Crypto",
    "pyjwt": "jwt",
    "attrs": "attr",
    "msgpack-python": "msgpack",
    "discord-py": "discord",
    "slack-sdk": "slack_sdk",
    "notion-client": "notion_client",
    "faiss-cpu": "faiss",
    "tensorflow-cpu": "tensorflow",
    "typing-extensions": "typing_extensions",
}

_NOT_MODULES = {"__pycache__", "bin", "share", "include", "tests", "test", ".."}


def _from_top_level(dist: Distribution) -> list[str]:
    text = dist.read_text("top_level.txt") or ""
    return [line.strip().replace("/", ".") for line in text.splitlines() if line.strip()]


def _from_record(dist: Distribution) -> list[str]:
    """Top-level packages and modules named in RECORD (wheels built without top_level.txt)."""
    names: set[str] = set()
    for path in dist.files or ():
        parts = path.parts
        if not parts or parts[0].endswith((".dist-info", ".data", ".egg-info")) or parts[0] in _NOT_MODULES:
            continue
        if len(parts) > 1 and parts[-1].endswith(".py"):
            names.add(parts[0])
        elif len(parts) == 1 and parts[0].endswith((".py", ".so", ".pyd")):
            names.add(parts[0].split(".", 1)[0])
    return sorted(n for n in names if n.isidentifier())


def fallback_import_name(name: str) -> str:
    """The import name when no distribution is installed to ask: the known table, else the name itself."""
    canonical = canonicalize_name(name)
    return KNOWN_IMPORT_NAMES.get(canonical, canonical.replace("-", "_").replace(".", "_"))


def import_name(name: str, dist: Distribution | None = None) -> str:
    """The name ``import`` uses for distribution ``name``: from its metadata when installed, else a guess."""
    if dist is not None:
        found = _from_top_level(dist) or _from_record(dist)
        if found:
            guess = fallback_import_name(name)
            # A distribution may ship several top-level names; prefer the one its name suggests.
            if guess.split(".")[0] in found:  # google-auth ships "google": google.auth says more
                return guess
            return sorted(found, key=lambda n: (n.startswith("_"), n))[0]
    return fallback_import_name(name)
