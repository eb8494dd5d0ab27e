"""Render the code-drawn FlowDesk icon (``flowdesk/gui/icons.py``) to resources/flowdesk.png / .ico / .icns.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bundle/make_icons.py [OUT_DIR]

``bundle/build.py`` renders into ``build/icons/`` for the bundle; with no OUT_DIR this rewrites the committed
copies in ``resources/`` (do that, and commit them, when ``flowdesk/gui/icons.py`` changes the drawing).

The PNG (512 px) is for Linux (.desktop entries, autostart); the ICO (16-256 px) for the Windows
executable; the ICNS (16-1024 px) for the macOS app. ICO and ICNS are written here with PNG
entries (supported since Windows Vista and macOS 10.7), so no Qt image plugin is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS PNG-based element types by pixel size (``ic11``-``ic14`` are the @2x variants).
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
              (b"ic09", 512), (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512))
PNG_SIZE = 512


def render_png(size: int) -> bytes:
    """The app icon drawn at ``size`` pixels, as PNG bytes (drawn, not scaled: sharp at every size)."""
    from flowdesk.gui import icons
    from flowdesk.gui.qt import QByteArray, QSize

    draw = getattr(icons, "_draw", None)
    if draw is not None:
        pixmap = draw(size, icons.STATE_COLOURS["idle"])
    else:  # the drawing helper was renamed: fall back on the public QIcon
        pixmap = icons.app_icon().pixmap(QSize(size, size))
    from PySide6.QtCore import QBuffer, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not pixmap.save(buf, "PNG"):
        raise RuntimeError(f"could not encode the {size}px icon as PNG")
    buf.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding one PNG entry per size."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        png = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG elements."""
    body = b"".join(struct.pack(">4sI", kind, 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES)
    return struct.pack(">4sI", b"icns", 8 + len(body)) + body


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "resources"
    from flowdesk.gui.qt import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])  # noqa: F841 - QPixmap needs it
    sizes = sorted(set(ICO_SIZES) | {s for _, s in ICNS_TYPES} | {PNG_SIZE})
    pngs = {size: render_png(size) for size in sizes}
    out.mkdir(parents=True, exist_ok=True)
    (out / "flowdesk.png").write_bytes(pngs[PNG_SIZE])
    (out / "flowdesk.ico").write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    (out / "flowdesk.icns").write_bytes(icns_bytes(pngs))
    for name in ("flowdesk.png", "flowdesk.ico", "flowdesk.icns"):
        print(f"{out / name}  {(out / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
